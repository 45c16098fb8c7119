// Nodes find each other through the shared database, refuse a duplicate
// name, and forget a node that died.
#include <csignal>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("three nodes find each other through the database and say so on "
          "/readyz") {
  test_cluster cluster{3};
  for (std::size_t i = 0; i < 3; ++i) {
    auto response =
        http_request("127.0.0.1", cluster.port(i), "GET", "/readyz");
    CHECK(response.status == 200);
    CHECK(response.body.find("\"status\":\"ready\"") != std::string::npos);
    CHECK(response.body.find("\"node\":\"node" + std::to_string(i) + "\"") !=
          std::string::npos);
  }
}

TEST_CASE("a second live node with the same name refuses to start with one "
          "line") {
  test_cluster cluster{1};
  auto result = run_to_exit(cluster.node_args("node0"), 60s);
  INFO("stderr: " << result.stderr_text);
  CHECK(result.exit_code != 0);
  CHECK(result.stderr_text.find("node0") != std::string::npos);
  CHECK(result.stderr_text.find("in use") != std::string::npos);
  // The first node is unharmed.
  CHECK(cluster.members(0).has_value());
}

TEST_CASE("a node killed with SIGKILL is forgotten by the others") {
  test_cluster cluster{3};
  cluster.signal(2, SIGKILL);
  CHECK(cluster.wait_for_members(0, {"node0", "node1"}));
  CHECK(cluster.wait_for_members(1, {"node0", "node1"}));
}

TEST_CASE("a node that stops with SIGTERM leaves, and a new node joins") {
  test_cluster cluster{2};
  cluster.signal(1, SIGTERM);
  CHECK(cluster.wait_for_members(0, {"node0"}));
  auto added = cluster.add_node();
  CHECK(cluster.wait_for_members(0, {"node0", "node2"}));
  CHECK(cluster.wait_for_members(added, {"node0", "node2"}));
}
