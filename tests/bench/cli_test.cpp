// The command line: defaults, every option, and one clear error for each
// kind of mistake.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "bench/cli.hpp"

namespace {

using namespace parley::bench;

parse_result parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

/// The error of a line that must fail; empty if it parsed.
std::string error_of(std::vector<std::string> args) {
  auto result = parse(std::move(args));
  return result.options ? std::string{} : result.error;
}

} // namespace

TEST_CASE("a mode alone gives the documented defaults") {
  auto result = parse({"throughput"});
  REQUIRE(result.options);
  const auto& o = *result.options;
  CHECK(o.mode == bench_mode::throughput);
  REQUIRE(o.targets.size() == 1);
  CHECK(o.targets[0].host == "127.0.0.1");
  CHECK(o.targets[0].port == 8080);
  CHECK(o.users == 1000);
  CHECK(o.conns_per_user == 1);
  CHECK(o.signup_parallelism == 8);
  CHECK(o.user_prefix == "bench_");
  CHECK(o.source_addresses == 16);
  CHECK(o.warmup_s == 2);
  CHECK(o.window_s == 10);
  CHECK(o.inflight == 10);
  CHECK(o.pairing == pairing_kind::pairs);
  CHECK(o.protocol == protocol_kind::parley);
  CHECK(o.server_pids.empty());
  CHECK_FALSE(o.db_pid);
  CHECK(o.users_file.empty());
  CHECK(o.db_url.empty());
  CHECK(o.ack_every == 0);
  CHECK_FALSE(o.quiet);
}

TEST_CASE("every option is read, with a space or an equals sign") {
  auto result = parse({"rate",
                       "--target",
                       "10.1.2.3:9000",
                       "--users=500",
                       "--conns-per-user",
                       "4",
                       "--users-file",
                       "/tmp/u",
                       "--signup-parallelism",
                       "3",
                       "--connect-parallelism=9",
                       "--user-prefix",
                       "x.y-",
                       "--source-addresses",
                       "8",
                       "--server-pid",
                       "42",
                       "--db-pid",
                       "43",
                       "--warmup",
                       "0",
                       "--window",
                       "1.5",
                       "--inflight",
                       "7",
                       "--pairing",
                       "random",
                       "--rate",
                       "2500.5",
                       "--hold",
                       "3",
                       "--drain",
                       "4",
                       "--db-url",
                       "postgresql://u@h/db",
                       "--protocol",
                       "seed",
                       "--quiet"});
  REQUIRE(result.options);
  const auto& o = *result.options;
  CHECK(o.mode == bench_mode::rate);
  CHECK(o.targets == std::vector<target_address>{{"10.1.2.3", 9000}});
  CHECK(o.users == 500);
  CHECK(o.conns_per_user == 4);
  CHECK(o.users_file == "/tmp/u");
  CHECK(o.signup_parallelism == 3);
  CHECK(o.connect_parallelism == 9);
  CHECK(o.user_prefix == "x.y-");
  CHECK(o.source_addresses == 8);
  CHECK(o.server_pids == std::vector<int>{42});
  CHECK(*o.db_pid == 43);
  CHECK(o.warmup_s == 0);
  CHECK(o.window_s == 1.5);
  CHECK(o.inflight == 7);
  CHECK(o.pairing == pairing_kind::random);
  CHECK(o.rate_per_s == 2500.5);
  CHECK(o.hold_s == 3);
  CHECK(o.drain_s == 4);
  CHECK(o.db_url == "postgresql://u@h/db");
  CHECK(o.protocol == protocol_kind::seed);
  CHECK(o.quiet);
}

TEST_CASE("localhost and bracketed hosts are accepted as targets") {
  CHECK(parse({"conns", "--target", "localhost:1"}).options->targets[0].host ==
        "127.0.0.1");
  CHECK(parse({"conns", "--target", "[::1]:80"}).options->targets[0].host ==
        "::1");
}

TEST_CASE("--targets reads every node in order, repeats included") {
  auto result = parse({"throughput", "--targets",
                       "10.0.0.1:81,localhost:82,[::1]:83,"
                       "10.0.0.1:81"});
  REQUIRE(result.options);
  CHECK(
      result.options->targets ==
      std::vector<target_address>{
          {"10.0.0.1", 81}, {"127.0.0.1", 82}, {"::1", 83}, {"10.0.0.1", 81}});
  auto one = parse({"conns", "--targets=127.0.0.1:9000"});
  REQUIRE(one.options);
  CHECK(one.options->targets ==
        std::vector<target_address>{{"127.0.0.1", 9000}});
}

TEST_CASE("--targets takes up to max_targets nodes") {
  std::string list;
  for (std::size_t i = 0; i < max_targets; ++i)
    list +=
        (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(1000 + i);
  auto result = parse({"rate", "--rate", "10", "--targets", list});
  REQUIRE(result.options);
  CHECK(result.options->targets.size() == max_targets);
  CHECK(error_of({"rate", "--rate", "10", "--targets", list + ",h:1"}) ==
        "--targets names 65 nodes, at most 64");
}

TEST_CASE("malformed --targets lists are errors that quote the bad entry") {
  for (auto bad : {"", ",", "h:1,", ",h:1", "h:1,,h:2", "h:1,h", "h:1;h:2",
                   "h:1 h:2", "h:1,:2", "h:1,h:0", "h:1,[]:5"}) {
    CAPTURE(bad);
    CHECK(error_of({"conns", "--targets", bad}).find("--targets expects") == 0);
  }
  CHECK(error_of({"conns", "--targets", "a:1,b"}) ==
        "--targets expects HOST:PORT,HOST:PORT,..., got 'b' in 'a:1,b'");
  CHECK(error_of({"conns", "--targets"}) == "--targets needs a value");
}

TEST_CASE("--server-pid takes one process or a list, one per node") {
  CHECK(parse({"conns", "--server-pid", "7,8,9"}).options->server_pids ==
        std::vector<int>{7, 8, 9});
  CHECK(parse({"conns", "--server-pid=7"}).options->server_pids ==
        std::vector<int>{7});
}

TEST_CASE("a malformed --server-pid list is an error") {
  for (auto bad : {"", ",", "7,", ",7", "7,,8", "7,x", "7;8", "7,0", "-7"}) {
    CAPTURE(bad);
    CHECK(
        error_of({"conns", "--server-pid", bad}).find("--server-pid expects") ==
        0);
  }
}

TEST_CASE("--target and --targets together are refused, in either order") {
  auto why = "give --target HOST:PORT or --targets HOST:PORT,HOST:PORT,..., "
             "not both";
  CHECK(error_of({"conns", "--target", "h:1", "--targets", "h:1,h:2"}) == why);
  CHECK(error_of({"conns", "--targets", "h:1,h:2", "--target", "h:1"}) == why);
  CHECK(error_of({"conns", "--targets=h:1", "--target=h:1"}) == why);
}

TEST_CASE("targets print as HOST:PORT joined by commas, IPv6 in brackets") {
  CHECK(target_text({"127.0.0.1", 80}) == "127.0.0.1:80");
  CHECK(target_text({"::1", 80}) == "[::1]:80");
  CHECK(targets_text({{"a", 1}, {"::1", 2}, {"a", 1}}) == "a:1,[::1]:2,a:1");
  CHECK(targets_text({}).empty());
  CHECK(usage_text().find("--targets") != std::string::npos);
}

TEST_CASE("--help wins over everything else") {
  CHECK(parse({"--help"}).help);
  CHECK(parse({"nonsense", "-h"}).help);
  CHECK(usage_text().find("--inflight") != std::string::npos);
}

TEST_CASE("a missing or unknown mode is an error") {
  CHECK(error_of({}).find("missing MODE") != std::string::npos);
  CHECK(error_of({"flood"}).find("unknown MODE 'flood'") != std::string::npos);
  CHECK(error_of({"--users", "3"}).find("unknown MODE") != std::string::npos);
}

TEST_CASE("an unknown option or a stray argument is an error") {
  CHECK(error_of({"conns", "--userz", "3"}) == "unknown option --userz");
  CHECK(error_of({"conns", "extra"}) == "unexpected argument 'extra'");
  CHECK(error_of({"conns", "-u"}) == "unexpected argument '-u'");
}

TEST_CASE("an option without its value is an error") {
  CHECK(error_of({"conns", "--users"}) == "--users needs a value");
  CHECK(error_of({"conns", "--quiet=yes"}) == "--quiet takes no value");
}

TEST_CASE("numbers out of range or malformed are errors") {
  CHECK(error_of({"conns", "--users", "1"}).find("--users expects") == 0);
  CHECK(error_of({"conns", "--users", "ten"}).find("--users expects") == 0);
  CHECK(error_of({"conns", "--users", "10x"}).find("--users expects") == 0);
  CHECK(error_of({"conns", "--users", "-5"}).find("--users expects") == 0);
  CHECK(error_of({"conns", "--users", ""}).find("--users expects") == 0);
  CHECK(error_of({"conns", "--conns-per-user", "65"}).find("--conns") == 0);
  CHECK(error_of({"conns", "--conns-per-user", "0"}).find("--conns") == 0);
  CHECK(error_of({"conns", "--window", "0"}).find("--window") == 0);
  CHECK(error_of({"conns", "--warmup", "-1"}).find("--warmup") == 0);
  CHECK(error_of({"conns", "--warmup", "nan"}).find("--warmup") == 0);
  CHECK(error_of({"conns", "--hold", " 1"}).find("--hold") == 0);
  CHECK(error_of({"conns", "--server-pid", "0"}).find("--server-pid") == 0);
  CHECK(error_of({"conns", "--source-addresses", "255"}).find("--source") == 0);
  CHECK(error_of({"rate", "--rate", "0"}).find("--rate") == 0);
  CHECK(error_of({"rate", "--rate", "fast"}).find("--rate") == 0);
}

TEST_CASE("malformed targets are errors") {
  for (auto bad : {"127.0.0.1", ":8080", "host:", "host:0", "host:65536",
                   "host:80x", "[]:80", "::1:80", "[::1:80", "h st:80",
                   "h:1;h:2", "[fe80::1%eth0]:80"}) {
    CAPTURE(bad);
    CHECK(error_of({"conns", "--target", bad}).find("--target expects") == 0);
  }
}

TEST_CASE("rate mode without --rate is an error") {
  CHECK(error_of({"rate"}) == "rate mode needs --rate R (messages per second)");
}

TEST_CASE("unknown pairing, protocol, prefix characters and database URLs "
          "are errors") {
  CHECK(error_of({"conns", "--pairing", "ring"}).find("--pairing") == 0);
  CHECK(error_of({"conns", "--protocol", "xmpp"}).find("--protocol") == 0);
  CHECK(error_of({"conns", "--user-prefix", "a b"}).find("--user-prefix") == 0);
  CHECK(error_of({"conns", "--user-prefix", std::string(25, 'a')})
            .find("--user-prefix") == 0);
  CHECK(error_of({"conns", "--db-url", "sqlite:x.db"}).find("--db-url") == 0);
  CHECK(error_of({"conns", "--users-file", ""}).find("--users-file") == 0);
}

TEST_CASE("--login-burst is read in rate mode and refused in the others") {
  auto result = parse({"rate", "--rate", "100", "--login-burst", "150"});
  REQUIRE(result.options);
  CHECK(result.options->login_burst == 150);
  CHECK(parse({"rate", "--rate", "100"}).options->login_burst == 0);
  CHECK(error_of({"throughput", "--login-burst", "10"}) ==
        "--login-burst applies to rate mode only");
  CHECK(error_of({"rate", "--rate", "1", "--login-burst", "x"})
            .find("--login-burst expects") == 0);
}

TEST_CASE("--ack-every is read for Parley") {
  auto result = parse({"throughput", "--ack-every", "10"});
  REQUIRE(result.options);
  CHECK(result.options->ack_every == 10);
  CHECK(parse({"rate", "--rate", "5", "--ack-every=0", "--protocol", "seed"})
            .options->ack_every == 0);
}

TEST_CASE("--ack-every is refused for the seed design, in either order") {
  auto why = "--ack-every needs --protocol parley: the seed design has no acks";
  CHECK(error_of({"conns", "--ack-every", "1", "--protocol", "seed"}) == why);
  CHECK(error_of({"conns", "--protocol", "seed", "--ack-every", "50"}) == why);
}

TEST_CASE("a malformed or too large --ack-every is an error") {
  for (auto bad : {"-1", "ten", "", "1000001", "1.5"}) {
    CAPTURE(bad);
    CHECK(error_of({"throughput", "--ack-every", bad}).find("--ack-every") ==
          0);
  }
}
