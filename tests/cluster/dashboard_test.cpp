// deploy/grafana/parley-dashboard.json against a real three-node cluster:
// with messages crossing nodes both ways and one node gone, every panel,
// the Cluster row's included, queries names the nodes export and evaluates
// to data in Debian's Prometheus. (tests/deploy checks the rest of the
// dashboard against a single node.)
#include <csignal>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/dashboard_queries.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/prometheus_server.hpp"

using namespace parley::testing;

namespace {

/// The series node i's /metrics offers now.
std::set<std::string> exported_by(test_cluster& cluster, std::size_t i) {
  auto page = http_request("127.0.0.1", *cluster.node(i).admin_port(), "GET",
                           "/metrics");
  if (page.status != 200)
    throw std::runtime_error("node" + std::to_string(i) + "'s /metrics said " +
                             std::to_string(page.status));
  return exported_series(page.body);
}

/// Sends one message from `from` to `to` and waits until both saw it.
void exchange(ws_client& from, ws_client& to, std::int64_t to_id,
              const std::string& text) {
  from.send_text(send_frame(to_id, text));
  REQUIRE(next_message_frame(from).type == "message_sent");
  REQUIRE(next_message_frame(to).type == "incoming_message");
}

} // namespace

TEST_CASE("every panel of the dashboard, the Cluster row's included, "
          "evaluates to data for a cluster that routed messages and lost a "
          "node") {
  auto board = read_parley_dashboard();
  for (const auto& problem : board.problems)
    FAIL_CHECK(problem);
  REQUIRE(board.problems.empty());

  test_cluster cluster{3};
  auto node0 = cluster.admin_target(0);
  auto node1 = cluster.admin_target(1);
  prometheus_server prometheus{{{node0, node1}}};
  INFO("prometheus log:\n" << prometheus.log());

  // Routed both ways: each node sends to and receives from its peer.
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob);
  exchange(*alice_ws, *bob_ws, bob.id, "to node1");
  exchange(*bob_ws, *alice_ws, alice.id, "to node0");

  // node2 leaves: both scraped nodes count a loss with its reason.
  cluster.signal(2, SIGTERM);
  REQUIRE(cluster.wait_for_members(0, {"node0", "node1"}));
  REQUIRE(cluster.wait_for_members(1, {"node0", "node1"}));
  // The loss counter appears with the loss, so increase() over the
  // dashboard's 10 s needs two scrapes of it on each node.
  auto losses = prometheus.wait_for(
      "count_over_time(parley_cluster_losses_total{reason=\"left\"}[10s])",
      [&](const prometheus_vector& s) {
        return value_where(s, "instance", node0) >= 2 &&
               value_where(s, "instance", node1) >= 2;
      });
  REQUIRE(value_where(losses, "instance", node0) >= 2);
  REQUIRE(value_where(losses, "instance", node1) >= 2);
  // After the loss, traffic again so that the rates of routes are fresh.
  exchange(*alice_ws, *bob_ws, bob.id, "after the loss");
  auto routed = prometheus.wait_for(
      "sum by (instance) (increase(parley_cluster_routes_sent_total[10s]))",
      [&](const prometheus_vector& s) {
        return value_where(s, "instance", node0) > 0;
      });
  REQUIRE(value_where(routed, "instance", node0) > 0);

  auto queries = all_queries(board);
  for (std::size_t i : {0u, 1u}) {
    auto missing = missing_names(queries, exported_by(cluster, i));
    CHECK_MESSAGE(missing.empty(),
                  "node" << i << " does not export: " << joined(missing));
  }
  int cluster_panels = 0;
  for (const auto& panel : board.panels) {
    cluster_panels += panel.row == cluster_row ? 1 : 0;
    for (const auto& expr : panel.exprs) {
      auto query = with_variables(expr, test_variables());
      INFO("panel '" << panel.title << "' (row " << panel.row
                     << "): " << query);
      try {
        CHECK_FALSE(prometheus.query(query).empty());
      } catch (const std::runtime_error& refused) {
        FAIL_CHECK(refused.what());
      }
    }
  }
  CHECK(cluster_panels >= 4);
}
