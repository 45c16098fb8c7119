// The report: the exit status follows the problems found, and the JSON
// line carries every documented key.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "bench/report.hpp"

namespace {

using namespace parley::bench;

bench_result clean_throughput() {
  bench_result r;
  r.options.mode = bench_mode::throughput;
  r.conns_total = r.conns_opened = 4;
  r.setup_s = 0.5;
  r.messages.sent = r.messages.received = r.messages.deliveries_expected = 100;
  r.messages.confirmed = r.messages.completed = 100;
  r.window.messages = r.window.deliveries = r.window.sent = 50;
  r.window_s = 2;
  r.cpu_server_s = 0.5;
  r.cpu_db_s = 0.25;
  return r;
}

rapidjson::Document json_of(const bench_result& r) {
  rapidjson::Document doc;
  doc.Parse(format_json(r).c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

} // namespace

TEST_CASE("a clean run exits 0 with ok true and no problems") {
  auto r = clean_throughput();
  CHECK(problems(r).empty());
  CHECK(exit_status(r) == 0);
  auto doc = json_of(r);
  CHECK(doc["ok"].GetBool());
  CHECK(doc["problems"].Empty());
  CHECK(doc["throughput_msgs_per_s"].GetDouble() == 25);
  CHECK(doc["cpu_us_per_msg"].GetDouble() == 15000);
  CHECK(doc["conns_per_s"].GetDouble() == 8);
}

TEST_CASE("each kind of message trouble makes the run fail with its name") {
  struct trouble {
    const char* name;
    void (*apply)(bench_result&);
  };
  const trouble cases[] = {
      {"lost", [](bench_result& r) { r.messages.lost = 1; }},
      {"duplicated", [](bench_result& r) { r.messages.duplicated = 1; }},
      {"out_of_order", [](bench_result& r) { r.messages.out_of_order = 1; }},
      {"corrupted", [](bench_result& r) { r.messages.corrupted = 1; }},
      {"misattributed", [](bench_result& r) { r.messages.misattributed = 1; }},
      {"ack_mismatched", [](bench_result& r) { r.frames.ack_mismatched = 1; }},
      {"ack_frames_refused",
       [](bench_result& r) { r.frames.ack_frames_refused = 1; }},
      {"conns_closed", [](bench_result& r) { r.frames.closed = 1; }},
      {"conns_failed", [](bench_result& r) { r.conns_failed = 1; }},
      {"db_rows_missing",
       [](bench_result& r) {
         r.db_rows_before = 10;
         r.db_rows_after = 50; // 40 added, 100 confirmed
       }},
  };
  for (auto& t : cases) {
    CAPTURE(t.name);
    auto r = clean_throughput();
    t.apply(r);
    CHECK(exit_status(r) == 1);
    auto found = problems(r);
    REQUIRE(found.size() == 1);
    CHECK(found[0] == t.name);
    auto doc = json_of(r);
    CHECK_FALSE(doc["ok"].GetBool());
    CHECK(std::string(doc["problems"][0].GetString()) == t.name);
  }
}

TEST_CASE("a run that could not be made exits 2 and says why") {
  auto r = clean_throughput();
  r.setup_error = "GET /healthz: Connection refused";
  CHECK(exit_status(r) == 2);
  auto doc = json_of(r);
  CHECK(std::string(doc["error"].GetString()) == r.setup_error);
}

TEST_CASE("conns mode fails when a connection did not survive the hold") {
  auto r = clean_throughput();
  r.options.mode = bench_mode::conns;
  r.conns_still_open = 3;
  CHECK(problems(r) == std::vector<std::string>{"conns_not_open_after_hold"});
  auto doc = json_of(r);
  CHECK(doc["throughput_msgs_per_s"].IsNull());
  CHECK(doc["window_s"].IsNull());
}

TEST_CASE("every documented key is present, unmeasured ones as null") {
  bench_result r;
  auto doc = json_of(r);
  for (auto key : {"mode",
                   "protocol",
                   "target",
                   "targets",
                   "users",
                   "conns_per_user",
                   "pairing",
                   "inflight",
                   "rate_target_per_s",
                   "warmup_s",
                   "window_s",
                   "hold_s",
                   "drain_s",
                   "conns_total",
                   "conns_opened",
                   "conns_failed",
                   "conns_closed",
                   "conns_still_open",
                   "setup_s",
                   "conns_per_s",
                   "server_rss_before_kib",
                   "server_rss_after_kib",
                   "rss_per_conn_kib",
                   "sent",
                   "deliveries_expected",
                   "received",
                   "lost",
                   "lost_per_connection",
                   "duplicated",
                   "out_of_order",
                   "corrupted",
                   "misattributed",
                   "stale",
                   "foreign",
                   "confirmed",
                   "acks",
                   "ack_unmatched",
                   "ack_mismatched",
                   "ack_every",
                   "ack_frames_sent",
                   "ack_frames_refused",
                   "error_frames",
                   "invalid_frames",
                   "errors",
                   "other_frames",
                   "close_reasons",
                   "window_sent",
                   "window_messages",
                   "window_deliveries",
                   "throughput_msgs_per_s",
                   "deliveries_per_s",
                   "sent_per_s",
                   "latency_count",
                   "latency_p50_ms",
                   "latency_p90_ms",
                   "latency_p99_ms",
                   "latency_p999_ms",
                   "latency_max_ms",
                   "latency_mean_ms",
                   "ack_latency_count",
                   "ack_latency_p50_ms",
                   "ack_latency_p90_ms",
                   "ack_latency_p99_ms",
                   "ack_latency_p999_ms",
                   "ack_latency_max_ms",
                   "ack_latency_mean_ms",
                   "cpu_server_s",
                   "cpu_db_s",
                   "cpu_tool_s",
                   "cpu_us_per_msg",
                   "db_rows_before",
                   "db_rows_after",
                   "db_rows_added",
                   "db_rows_missing",
                   "error",
                   "ok",
                   "problems"}) {
    CAPTURE(key);
    CHECK(doc.HasMember(key));
  }
  CHECK(doc["cpu_server_s"].IsNull());
  CHECK(doc["db_rows_added"].IsNull());
  CHECK(doc.MemberCount() == 89); // with the login, ack and targets keys
}

TEST_CASE("the seed protocol reports no acks rather than zero") {
  auto r = clean_throughput();
  r.options.protocol = protocol_kind::seed;
  auto doc = json_of(r);
  CHECK(doc["acks"].IsNull());
  CHECK(doc["ack_every"].IsNull());
  CHECK(doc["ack_frames_sent"].IsNull());
  CHECK(doc["ack_latency_p50_ms"].IsNull());
  CHECK(format_table(r).find("ack ms") == std::string::npos);
}

TEST_CASE("a run without --login-burst reports its login keys as null") {
  auto doc = json_of(clean_throughput());
  for (auto key :
       {"login_burst", "logins_ok", "logins_overloaded", "logins_failed",
        "login_latency_count", "login_latency_p50_ms", "login_latency_p90_ms",
        "login_latency_p99_ms", "login_latency_p999_ms", "login_latency_max_ms",
        "login_latency_mean_ms"}) {
    CAPTURE(key);
    REQUIRE(doc.HasMember(key));
    CHECK(doc[key].IsNull());
  }
  CHECK(format_table(clean_throughput()).find("logins") == std::string::npos);
}

TEST_CASE("a run with --login-burst reports what its logins met") {
  auto r = clean_throughput();
  login_counts logins;
  logins.clients = 150;
  logins.ok = 90;
  logins.overloaded = 40;
  logins.failed = 1;
  logins.latency.count = 90;
  logins.latency.p99_ms = 2500;
  r.logins = logins;
  auto doc = json_of(r);
  CHECK(doc["login_burst"].GetUint64() == 150);
  CHECK(doc["logins_ok"].GetUint64() == 90);
  CHECK(doc["logins_overloaded"].GetUint64() == 40);
  CHECK(doc["logins_failed"].GetUint64() == 1);
  CHECK(doc["login_latency_count"].GetUint64() == 90);
  CHECK(doc["login_latency_p99_ms"].GetDouble() == 2500);
  CHECK(format_table(r).find("150 in flight: ok 90, overloaded 40, failed 1") !=
        std::string::npos);
  // A failed login is a figure, not a broken run.
  CHECK(doc["ok"].GetBool());
}

TEST_CASE("a delivery missing on one connection is reported, but only a "
          "message no connection got fails the run") {
  auto r = clean_throughput();
  r.messages.lost_per_connection = 3;
  CHECK(problems(r).empty());
  auto doc = json_of(r);
  CHECK(doc["lost_per_connection"].GetUint64() == 3);
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(format_table(r).find("lost 0 (per connection 3)") != std::string::npos);
}

TEST_CASE("client acks show in the table and the JSON line only when on") {
  auto r = clean_throughput();
  CHECK(format_table(r).find("client acks") == std::string::npos);
  CHECK(json_of(r)["ack_every"].GetUint64() == 0);
  r.options.ack_every = 10;
  r.frames.ack_frames_sent = 12;
  CHECK(format_table(r).find("client acks  12 sent (every 10") !=
        std::string::npos);
  auto doc = json_of(r);
  CHECK(doc["ack_every"].GetUint64() == 10);
  CHECK(doc["ack_frames_sent"].GetUint64() == 12);
  CHECK(doc["ack_frames_refused"].GetUint64() == 0);
}

TEST_CASE("one target is the default and shows in target and targets") {
  auto doc = json_of(clean_throughput());
  CHECK(std::string(doc["target"].GetString()) == "127.0.0.1:8080");
  REQUIRE(doc["targets"].IsArray());
  REQUIRE(doc["targets"].Size() == 1);
  CHECK(std::string(doc["targets"][0].GetString()) == "127.0.0.1:8080");
}

TEST_CASE("a run on several nodes names them all, in order, repeats "
          "included") {
  auto r = clean_throughput();
  r.options.targets = {{"127.0.0.1", 9001}, {"::1", 9002}, {"127.0.0.1", 9001}};
  auto doc = json_of(r);
  CHECK(std::string(doc["target"].GetString()) ==
        "127.0.0.1:9001,[::1]:9002,127.0.0.1:9001");
  REQUIRE(doc["targets"].Size() == 3);
  CHECK(std::string(doc["targets"][1].GetString()) == "[::1]:9002");
  CHECK(std::string(doc["targets"][2].GetString()) == "127.0.0.1:9001");
  CHECK(format_table(r).find(
            "-> 127.0.0.1:9001,[::1]:9002,127.0.0.1:9001 (parley)") !=
        std::string::npos);
}
