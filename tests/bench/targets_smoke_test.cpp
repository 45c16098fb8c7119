// parley-bench --targets against two real nodes on one PostgreSQL database
// with one token key. Until the cluster runtime lands the two are
// independent nodes: a message from a user on one to a user on the other
// is stored but not delivered live. So these cases use what works today
// (both entries naming one node, and where connections go); the cases that
// need messages to cross nodes are in cluster_smoke_test.cpp, not yet
// built. Correctness only, never timing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "tests/bench/bench_run.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

namespace {

using namespace parley::testing;

/// Two nodes sharing one database and one token key, so that a token from
/// either is accepted by both.
struct two_nodes {
  test_database database;
  token_key_file key;
  node_process first{{"--db", database.url(), "--token-key-file", key.path()}};
  node_process second{{"--db", database.url(), "--token-key-file", key.path()}};
};

std::string address_of(const node_process& node) {
  return "127.0.0.1:" + std::to_string(node.port());
}

/// Established TCP connections whose local end is 127.0.0.1:`port`: on a
/// node's listening port, the connections it accepted and still holds.
std::size_t established_on(unsigned short port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line); // the header
  std::size_t count = 0;
  char local[32];
  std::snprintf(local, sizeof local, "0100007F:%04X",
                static_cast<unsigned>(port));
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local_address, remote_address, state;
    fields >> slot >> local_address >> remote_address >> state;
    if (local_address == local && state == "01") ++count;
  }
  return count;
}

} // namespace

TEST_CASE("--targets naming one node twice runs clean and reports both "
          "entries") {
  two_nodes nodes;
  auto a = address_of(nodes.first);
  auto run = run_bench("throughput --targets " + a + "," + a +
                       " --users 4 --conns-per-user 2 --inflight 4"
                       " --window 1 --warmup 0 --drain 5 --quiet");
  INFO("last line: " << run.last_line);
  auto doc = parse_json(run.last_line);
  CHECK(std::string(doc["target"].GetString()) == a + "," + a);
  REQUIRE(doc["targets"].Size() == 2);
  CHECK(std::string(doc["targets"][1].GetString()) == a);
  CHECK(doc["sent"].GetUint64() > 0);
  CHECK(doc["received"].GetUint64() == 2 * doc["sent"].GetUint64());
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["lost_per_connection"].GetUint64() == 0);
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

TEST_CASE("rate mode with a login burst over one node named twice runs "
          "clean") {
  two_nodes nodes;
  auto b = address_of(nodes.second);
  auto run =
      run_bench("rate --rate 100 --login-burst 2 --targets " + b + "," + b +
                " --users 4 --window 1 --warmup 0 --drain 5"
                " --quiet");
  INFO("last line: " << run.last_line);
  auto doc = parse_json(run.last_line);
  CHECK(doc["logins_ok"].GetUint64() > 0);
  CHECK(doc["logins_failed"].GetUint64() == 0);
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

TEST_CASE("connections spread over two nodes: each holds the connections of "
          "its half of the users") {
  two_nodes nodes;
  auto a = nodes.first.port(), b = nodes.second.port();
  // Users 0 and 2 live on the first node, 1 and 3 on the second, each with
  // both connections there (two nodes: a user's connections stay home).
  // One sign-up client per node; no source-address binding, so that no
  // client socket can have a node's port as its own.
  auto run = std::async(std::launch::async, [&] {
    return run_bench("conns --targets " + address_of(nodes.first) + "," +
                     address_of(nodes.second) +
                     " --users 4 --conns-per-user 2 --hold 3 --drain 1"
                     " --signup-parallelism 2 --source-addresses 1 --quiet"
                     " --server-pid " +
                     std::to_string(nodes.first.pid()) + "," +
                     std::to_string(nodes.second.pid()));
  });
  std::size_t most_on_a = 0, most_on_b = 0;
  while (run.wait_for(std::chrono::milliseconds(50)) !=
         std::future_status::ready) {
    most_on_a = std::max(most_on_a, established_on(a));
    most_on_b = std::max(most_on_b, established_on(b));
  }
  auto result = run.get();
  INFO("last line: " << result.last_line);
  auto doc = parse_json(result.last_line);
  CHECK(doc["conns_opened"].GetUint64() == 8);
  CHECK(doc["conns_failed"].GetUint64() == 0);
  // Both --server-pid entries were read (a missing one would make it null).
  CHECK(doc["server_rss_after_kib"].IsUint64());
  CHECK(doc["cpu_server_s"].IsNumber());
  // Four WebSocket connections each, plus at most the node's sign-up client.
  CHECK(most_on_a >= 4);
  CHECK(most_on_a <= 5);
  CHECK(most_on_b >= 4);
  CHECK(most_on_b <= 5);
  // Whether the check messages after the hold arrive depends on the
  // cluster runtime (every one crosses nodes); cluster_smoke_test.cpp
  // checks them.
}

TEST_CASE("the health check asks every target and names the one that does "
          "not answer") {
  two_nodes nodes;
  auto run = run_bench("throughput --users 2 --quiet --targets " +
                       address_of(nodes.first) + ",127.0.0.1:1," +
                       address_of(nodes.second));
  CHECK(run.exit_code == 2);
  auto doc = parse_json(run.last_line);
  CHECK_FALSE(doc["ok"].GetBool());
  CHECK(
      std::string(doc["error"].GetString()).find("127.0.0.1:1: GET /healthz") ==
      0);
}

TEST_CASE("--target and --targets together exit 2 before touching the "
          "network") {
  auto run = run_bench("throughput --target 127.0.0.1:1 --targets "
                       "127.0.0.1:1,127.0.0.1:2 2>/dev/null");
  CHECK(run.exit_code == 2);
  CHECK(run.last_line.empty());
}
