// Users files round-trip, and damaged ones are refused with a reason.
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include <doctest/doctest.h>

#include "bench/users_file.hpp"

namespace {

using namespace parley::bench;

users_file_data sample() {
  return {"127.0.0.1:8080",
          "parley",
          "bench_",
          {{"bench_000000", 1, "v4.local.abc", 1790000000},
           {"bench_000001", 2, "", 0}}};
}

} // namespace

TEST_CASE("a users file reads back what was written") {
  std::string error;
  auto back = parse_users_file(format_users_file(sample()), error);
  REQUIRE(back);
  CHECK(back->target == "127.0.0.1:8080");
  CHECK(back->protocol == "parley");
  CHECK(back->prefix == "bench_");
  REQUIRE(back->users.size() == 2);
  CHECK(back->users[0].username == "bench_000000");
  CHECK(back->users[0].id == 1);
  CHECK(back->users[0].token == "v4.local.abc");
  CHECK(back->users[0].expires_unix_s == 1790000000);
  CHECK(back->users[1].token.empty());
}

TEST_CASE("an empty prefix survives the round trip") {
  auto data = sample();
  data.prefix = "";
  std::string error;
  auto back = parse_users_file(format_users_file(data), error);
  REQUIRE(back);
  CHECK(back->prefix.empty());
}

TEST_CASE("a users file is saved and loaded through the file system") {
  auto path = "/tmp/parley-bench-users-test-" + std::to_string(getpid());
  std::string error;
  REQUIRE(save_users_file(path, sample(), error));
  auto back = load_users_file(path, error);
  std::remove(path.c_str());
  REQUIRE(back);
  CHECK(back->users.size() == 2);
}

TEST_CASE("a missing file, a foreign file and damaged lines are refused") {
  std::string error;
  CHECK_FALSE(load_users_file("/nonexistent/parley-bench-users", error));
  CHECK(error.find("cannot read") == 0);
  CHECK_FALSE(parse_users_file("hello\n", error));
  CHECK(error.find("not a parley-bench users file") == 0);
  auto text = format_users_file(sample());
  CHECK_FALSE(parse_users_file(text + "user 2 x\n", error));
  CHECK(error == "malformed line 7");
  CHECK_FALSE(parse_users_file(text + "user 5 x 1 0 t\n", error));
  CHECK_FALSE(parse_users_file(text + "colour blue\n", error));
  CHECK_FALSE(parse_users_file(text + "user 2 x 1 0 t extra\n", error));
  CHECK_FALSE(
      parse_users_file("parley-bench users v1\nprotocol parley\n", error));
  CHECK(error == "missing target or protocol line");
}

TEST_CASE("usernames are the prefix and six digits, passwords are long "
          "enough") {
  CHECK(username_for("bench_", 7) == "bench_000007");
  CHECK(username_for("", 1234567) == "1234567");
  CHECK(password_for("ab").size() >= 8);
  CHECK(password_for("ab") != password_for("ac"));
}

TEST_CASE("RFC 3339 UTC times are read to the second") {
  CHECK(parse_rfc3339_utc("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_utc("2026-11-26T21:09:21.222Z") == 1795727361);
  CHECK_FALSE(parse_rfc3339_utc("2026-11-26 21:09:21Z"));
  CHECK_FALSE(parse_rfc3339_utc("2026-11-26T21:09:21+01:00"));
  CHECK_FALSE(parse_rfc3339_utc("2026-13-26T21:09:21Z"));
  CHECK_FALSE(parse_rfc3339_utc("2026-11-26T21:09:21.Z"));
  CHECK_FALSE(parse_rfc3339_utc(""));
}
