// Debian's Prometheus server scraping a two-node cluster's admin listeners:
// both nodes are up, the counters it reads back follow the messages sent
// across them, and a node that dies shows as down.
#include <cmath>
#include <csignal>
#include <string>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/prometheus_server.hpp"

using namespace parley::testing;

namespace {

/// A Prometheus scraping both nodes of `cluster`, once it saw both up.
struct scraped_pair {
  explicit scraped_pair(test_cluster& cluster)
      : node0(cluster.admin_target(0))
      , node1(cluster.admin_target(1))
      , prometheus({{node0, node1}}) {}

  /// Waits until `up` is `value0` for node 0 and `value1` for node 1.
  prometheus_vector wait_up(double value0, double value1) const {
    return prometheus.wait_for("up", [&](const prometheus_vector& samples) {
      return samples.size() == 2 &&
             value_where(samples, "instance", node0) == value0 &&
             value_where(samples, "instance", node1) == value1;
    });
  }

  std::string node0;
  std::string node1;
  prometheus_server prometheus;
};

/// The value of a query that yields one sample; NaN for any other result.
double only_value(const prometheus_vector& samples) {
  return samples.size() == 1 ? samples[0].value : std::nan("");
}

} // namespace

TEST_CASE("Prometheus scraping both nodes of a cluster reads back the "
          "messages sent from one node's user to the other's") {
  test_cluster cluster{2};
  scraped_pair scraped{cluster};
  auto& prometheus = scraped.prometheus;
  INFO("prometheus log:\n" << prometheus.log());
  auto up = scraped.wait_up(1, 1);
  CHECK(value_where(up, "instance", scraped.node0) == 1);
  CHECK(value_where(up, "instance", scraped.node1) == 1);
  CHECK(value_where(up, "job", prometheus_job) == 1);

  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob);
  constexpr int messages = 3;
  for (int i = 0; i < messages; ++i) {
    alice_ws->send_text(send_frame(bob.id, "counted " + std::to_string(i)));
    REQUIRE(next_message_frame(*alice_ws).type == "message_sent");
    REQUIRE(next_message_frame(*bob_ws).type == "incoming_message");
  }

  // Whichever node's writer committed them, the cluster stored three.
  auto stored = prometheus.wait_for(
      "sum(parley_messages_stored_total)",
      [&](const prometheus_vector& s) { return only_value(s) == messages; });
  CHECK(only_value(stored) == messages);
  // Each node counts the frames its own clients sent.
  auto received = prometheus.wait_for(
      "parley_messages_received_total", [&](const prometheus_vector& s) {
        return value_where(s, "instance", scraped.node0) == messages;
      });
  CHECK(value_where(received, "instance", scraped.node0) == messages);
  CHECK(value_where(received, "instance", scraped.node1) == 0);
  // Bob's node wrote him the three messages.
  auto written = prometheus.wait_for(
      "parley_ws_frames_written_total{instance=\"" + scraped.node1 + "\"}",
      [&](const prometheus_vector& s) { return only_value(s) >= messages; });
  CHECK(only_value(written) >= messages);
  auto online = prometheus.query("sum(parley_users_online)");
  CHECK(only_value(online) == 2);
}

TEST_CASE("a node that dies shows as down in Prometheus while the other "
          "stays up") {
  test_cluster cluster{2};
  scraped_pair scraped{cluster};
  INFO("prometheus log:\n" << scraped.prometheus.log());
  REQUIRE(value_where(scraped.wait_up(1, 1), "instance", scraped.node1) == 1);
  cluster.signal(1, SIGKILL);
  auto up = scraped.wait_up(1, 0);
  CHECK(value_where(up, "instance", scraped.node0) == 1);
  CHECK(value_where(up, "instance", scraped.node1) == 0);
}
