// parley-bench --targets against a real cluster: two or three nodes with
// --cluster-listen on one PostgreSQL database and one token key, where
// every message crosses nodes (bench/placement.hpp). Correctness only,
// never timing.
//
// NOT YET BUILT: these cases need the cluster runtime (issue 8), which
// delivers a message to a recipient on another node; without it every
// message here is lost. To enable, add to tests/bench/meson.build's
// bench_smoke_suites:
//   ['bench --targets runs clean across the nodes of a cluster',
//    'cluster_smoke_test.cpp', 'postgresql'],
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/bench/bench_run.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

namespace {

using namespace parley::testing;

/// How long a node may take to join the cluster after it listens.
constexpr auto ready_timeout = std::chrono::seconds(30);

/// Answers GET `path` with `status` on `node`, or 0 when it cannot be
/// reached.
int status_of(const node_process& node, const std::string& path) {
  try {
    return http_request("127.0.0.1", node.port(), "GET", path).status;
  } catch (const std::runtime_error&) {
    return 0;
  }
}

/// Polls GET /readyz until it answers 200; throws after ready_timeout.
void wait_ready(const node_process& node) {
  auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (status_of(node, "/readyz") != 200) {
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("node on port " + std::to_string(node.port()) +
                               " not ready within 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

/// `count` nodes in one cluster: one database, one token key, each ready.
struct cluster {
  explicit cluster(int count) {
    for (int i = 0; i < count; ++i)
      nodes.push_back(std::make_unique<node_process>(std::vector<std::string>{
          "--db", database.url(), "--token-key-file", key.path(),
          "--cluster-listen", "127.0.0.1:0", "--node-name",
          "bench-node" + std::to_string(i + 1)}));
    for (auto& node : nodes)
      wait_ready(*node);
  }

  /// "--targets A,B,...".
  std::string targets() const {
    std::string list;
    for (auto& node : nodes)
      list += (list.empty() ? "" : ",") + std::string("127.0.0.1:") +
              std::to_string(node->port());
    return "--targets " + list;
  }

  test_database database;
  token_key_file key;
  std::vector<std::unique_ptr<node_process>> nodes;
};

/// The checks every clean run passes.
void check_clean(const bench_run& run) {
  INFO("last line: " << run.last_line);
  auto doc = parse_json(run.last_line);
  CHECK(doc["sent"].GetUint64() > 0);
  CHECK(doc["lost"].GetUint64() == 0);
  CHECK(doc["lost_per_connection"].GetUint64() == 0);
  CHECK(doc["duplicated"].GetUint64() == 0);
  CHECK(doc["out_of_order"].GetUint64() == 0);
  CHECK(doc["misattributed"].GetUint64() == 0);
  CHECK(doc["acks"].GetUint64() == doc["sent"].GetUint64());
  CHECK(doc["ok"].GetBool());
  CHECK(run.exit_code == 0);
}

} // namespace

TEST_CASE("throughput across two nodes, two connections per user, runs "
          "clean and reaches every connection") {
  cluster nodes(2);
  auto run = run_bench("throughput " + nodes.targets() +
                       " --users 6 --conns-per-user 2 --inflight 4"
                       " --window 1 --warmup 0 --drain 5 --quiet");
  check_clean(run);
  auto doc = parse_json(run.last_line);
  CHECK(doc["received"].GetUint64() == 2 * doc["sent"].GetUint64());
}

TEST_CASE("rate mode across three nodes with an odd number of users runs "
          "clean") {
  cluster nodes(3);
  check_clean(run_bench("rate --rate 200 " + nodes.targets() +
                        " --users 5 --window 1 --warmup 0 --drain 5 --quiet"));
}

TEST_CASE("conns across three nodes finds every connection open and "
          "reached after the hold") {
  cluster nodes(3);
  auto run = run_bench("conns " + nodes.targets() +
                       " --users 6 --conns-per-user 3 --hold 1 --drain 5"
                       " --quiet");
  check_clean(run);
  auto doc = parse_json(run.last_line);
  CHECK(doc["conns_still_open"].GetUint64() == 18);
}

TEST_CASE("client acks across two nodes run clean") {
  cluster nodes(2);
  auto run = run_bench("throughput --ack-every 3 " + nodes.targets() +
                       " --users 4 --conns-per-user 2 --inflight 4"
                       " --window 1 --warmup 0 --drain 5 --quiet");
  check_clean(run);
  auto doc = parse_json(run.last_line);
  CHECK(doc["ack_frames_refused"].GetUint64() == 0);
}
