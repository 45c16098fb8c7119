// Each parley-bench mode, run briefly against a real node on a fresh SQLite
// file: the JSON line parses and shows a clean run. Correctness only, never
// timing.
#include <cstdio>
#include <string>

#include <doctest/doctest.h>

#include "tests/bench/bench_run.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"

namespace {

using parley::testing::node_process;
using parley::testing::parse_json;
using parley::testing::run_bench;
using parley::testing::test_database;

/// Starts a node, runs `mode_args` against it, checks the run is clean.
void check_clean_run(const std::string& mode_args) {
  test_database database;
  node_process node({"--db", database.url()});
  auto target = "--target 127.0.0.1:" + std::to_string(node.port());
  auto run = run_bench(mode_args + " " + target +
                       " --users 4 --window 1 --warmup 0 --hold 1 --drain 5"
                       " --quiet --server-pid " +
                       std::to_string(node.pid()));
  INFO("last line: " << run.last_line);
  auto doc = parse_json(run.last_line);
  CHECK(doc["sent"].GetUint64() > 0);
  CHECK(doc["received"].GetUint64() > 0);
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["duplicated"].GetUint64() == 0);
  CHECK(doc["out_of_order"].GetUint64() == 0);
  CHECK(doc["corrupted"].GetUint64() == 0);
  CHECK(doc["misattributed"].GetUint64() == 0);
  CHECK(doc["acks"].GetUint64() == doc["sent"].GetUint64());
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

} // namespace

TEST_CASE("throughput mode runs clean against a real node") {
  check_clean_run("throughput --inflight 4");
}

TEST_CASE("throughput mode with client acks on two devices per user runs "
          "clean, and the node takes every ack") {
  test_database database;
  node_process node({"--db", database.url()});
  auto run = run_bench("throughput --inflight 4 --ack-every 3 --conns-per-user"
                       " 2 --users 4 --window 1 --warmup 0 --drain 5 --quiet"
                       " --target 127.0.0.1:" +
                       std::to_string(node.port()));
  INFO("last line: " << run.last_line);
  auto doc = parse_json(run.last_line);
  CHECK(doc["ack_every"].GetUint64() == 3);
  CHECK(doc["ack_frames_sent"].GetUint64() > 0);
  CHECK(doc["ack_frames_refused"].GetUint64() == 0);
  CHECK(doc["error_frames"].GetUint64() == 0);
  CHECK(doc["received"].GetUint64() == 2 * doc["sent"].GetUint64());
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["lost_per_connection"].GetUint64() == 0);
  CHECK(doc["duplicated"].GetUint64() == 0);
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

TEST_CASE("rate mode runs clean against a real node") {
  check_clean_run("rate --rate 200 --pairing random");
}

TEST_CASE("conns mode with two connections per user runs clean and finds "
          "every connection open after the hold") {
  test_database database;
  node_process node({"--db", database.url()});
  auto run =
      run_bench("conns --target 127.0.0.1:" + std::to_string(node.port()) +
                " --users 5 --conns-per-user 2 --hold 1 --drain 5"
                " --quiet --server-pid " +
                std::to_string(node.pid()));
  auto doc = parse_json(run.last_line);
  CHECK(doc["conns_opened"].GetUint64() == 10);
  CHECK(doc["conns_still_open"].GetUint64() == 10);
  CHECK(doc["received"].GetUint64() == 10); // one message, both connections
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["server_rss_after_kib"].GetUint64() > 0);
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

TEST_CASE("a saved users file is reused by the next run") {
  test_database database;
  node_process node({"--db", database.url()});
  auto file = "/tmp/parley-bench-smoke-users-" + std::to_string(node.port());
  auto args = "throughput --target 127.0.0.1:" + std::to_string(node.port()) +
              " --users 4 --window 0.5 --warmup 0 --quiet --users-file " + file;
  auto first = run_bench(args);
  auto second = run_bench(args);
  std::remove(file.c_str());
  CHECK(first.exit_code == 0);
  CHECK(second.exit_code == 0);
  CHECK(parse_json(second.last_line)["lost"].GetUint64() == 0);
}

TEST_CASE("a target where nothing listens ends with exit status 2 and a "
          "JSON line that says why") {
  // Port 1 on loopback: nothing listens there unprivileged.
  auto run = run_bench("throughput --target 127.0.0.1:1 --users 2 --quiet");
  CHECK(run.exit_code == 2);
  auto doc = parse_json(run.last_line);
  CHECK_FALSE(doc["ok"].GetBool());
  CHECK(std::string(doc["error"].GetString()).find("/healthz") !=
        std::string::npos);
}

TEST_CASE("the wrong protocol is caught by the health check") {
  test_database database;
  node_process node({"--db", database.url()});
  auto run = run_bench("conns --protocol seed --users 2 --quiet --target "
                       "127.0.0.1:" +
                       std::to_string(node.port()));
  CHECK(run.exit_code == 2);
  auto doc = parse_json(run.last_line);
  CHECK(std::string(doc["error"].GetString()).find("404") != std::string::npos);
}

TEST_CASE("a bad command line exits 2 before touching the network") {
  auto run = run_bench("rate --users 4 2>/dev/null");
  CHECK(run.exit_code == 2);
  CHECK(run.last_line.empty());
}

TEST_CASE("rate mode with a login burst stays clean and counts its logins") {
  test_database database;
  node_process node({"--db", database.url()});
  auto run = run_bench("rate --rate 100 --login-burst 3 --target 127.0.0.1:" +
                       std::to_string(node.port()) +
                       " --users 4 --window 1 --warmup 0 --drain 5 --quiet");
  auto doc = parse_json(run.last_line);
  CHECK(doc["login_burst"].GetUint64() == 3);
  CHECK(doc["logins_ok"].GetUint64() > 0);
  CHECK(doc["logins_failed"].GetUint64() == 0);
  CHECK(doc["login_latency_count"].GetUint64() == doc["logins_ok"].GetUint64());
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

TEST_CASE("acks against the seed protocol are refused before touching the "
          "network") {
  auto run = run_bench("throughput --protocol seed --ack-every 10 --target "
                       "127.0.0.1:1 2>/dev/null");
  CHECK(run.exit_code == 2);
  CHECK(run.last_line.empty());
}
