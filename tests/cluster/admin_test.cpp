// The admin view of a 3-node cluster: every node lists every member with
// its status, the cluster metrics move with cross-node traffic, a user's
// connections are found and closed on every node, and a node that dies or
// leaves shows up with its reason.
#include <chrono>
#include <csignal>
#include <functional>
#include <string>
#include <thread>

#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/admin_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

const rapidjson::Value* member_named(const rapidjson::Document& cluster,
                                     const std::string& name) {
  for (const auto& x : cluster["members"].GetArray())
    if (x["name"].GetString() == name) return &x;
  return nullptr;
}

bool has_event(const rapidjson::Document& cluster, const std::string& node,
               const std::string& event, const std::string& reason) {
  for (const auto& x : cluster["events"].GetArray())
    if (x["node"].GetString() == node && x["event"].GetString() == event &&
        x["reason"].GetString() == reason)
      return true;
  return false;
}

/// Polls node i's GET /admin/cluster until `done` holds; the last document.
rapidjson::Document
wait_for_cluster(test_cluster& cluster, std::size_t i,
                 const std::function<bool(const rapidjson::Document&)>& done) {
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  auto doc = admin_json(cluster.node(i), "/admin/cluster");
  while (!done(doc) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    doc = admin_json(cluster.node(i), "/admin/cluster");
  }
  return doc;
}

std::string text_of(const rapidjson::Value& doc) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  doc.Accept(writer);
  return buffer.GetString();
}

std::string metrics_of(test_cluster& cluster, std::size_t i) {
  auto reply = admin_request(cluster.node(i), "GET", "/metrics");
  REQUIRE(reply.status == 200);
  return reply.body;
}

} // namespace

TEST_CASE("every node's /admin/cluster lists the three members with their "
          "status, and the cluster metrics count routes per peer") {
  test_cluster cluster{3};
  for (std::size_t i = 0; i < 3; ++i) {
    auto me = "node" + std::to_string(i);
    auto doc = admin_json(cluster.node(i), "/admin/cluster");
    INFO("node " << i);
    CHECK(doc["cluster"].GetBool());
    CHECK(doc["node"].GetString() == me);
    REQUIRE(doc["members"].Size() == 3);
    for (std::size_t j = 0; j < 3; ++j) {
      auto name = "node" + std::to_string(j);
      const auto* member = member_named(doc, name);
      REQUIRE(member != nullptr);
      CHECK((*member)["reachable"].GetBool());
      CHECK(std::string{(*member)["link"].GetString()} ==
            (i == j ? "self" : "linked"));
      CHECK(std::string{(*member)["status"]["node"].GetString()} == name);
      CHECK((*member)["incarnation"].GetInt64() > 0);
      CHECK(std::string{(*member)["address"].GetString()}.rfind("127.0.0.1:",
                                                                0) == 0);
      if (i != j) CHECK(has_event(doc, name, "joined", "linked"));
    }
  }
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob);
  alice_ws->send_text(send_frame(bob.id, "across"));
  CHECK(next_message_frame(*alice_ws).type == "message_sent");
  CHECK(next_message_frame(*bob_ws).content == "across");
  auto page0 = metrics_of(cluster, 0);
  CHECK(sample_value(page0, "parley_cluster_members") == 3);
  CHECK(sample_value(page0, "parley_cluster_peer_up", R"({peer="node2"})") ==
        1);
  CHECK(sample_value(page0, "parley_cluster_routes_sent_total",
                     R"({peer="node1"})") >= 1);
  CHECK(sample_value(page0, "parley_cluster_joins_total") >= 2);
  CHECK(sample_value(metrics_of(cluster, 1),
                     "parley_cluster_routes_received_total",
                     R"({peer="node0"})") >= 1);
}

TEST_CASE("/admin/users/{name} finds the user's connections on every node, "
          "and disconnect closes them all with 4001") {
  test_cluster cluster{3};
  auto bob = cluster.make_user(0, "bob");
  auto on1 = cluster.connect(1, bob, "?device=laptop");
  auto on2 = cluster.connect(2, bob, "?device=phone&acks=1");
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  rapidjson::Document user;
  auto count_on = [&user](const std::string& node) -> int {
    for (const auto& x : user["nodes"].GetArray())
      if (x["node"].GetString() == node && x["reachable"].GetBool())
        return static_cast<int>(x["connections"].Size());
    return -1;
  };
  do {
    user = admin_json(cluster.node(0), "/admin/users/bob");
    if (count_on("node1") == 1 && count_on("node2") == 1) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  REQUIRE(user["nodes"].Size() == 3);
  CHECK(count_on("node0") == 0);
  CHECK(count_on("node1") == 1);
  CHECK(count_on("node2") == 1);
  for (const auto& x : user["nodes"].GetArray())
    if (x["node"].GetString() == std::string{"node2"})
      CHECK(std::string{x["connections"][0]["device"].GetString()} == "phone");

  auto reply =
      admin_request(cluster.node(0), "POST", "/admin/users/bob/disconnect");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  rapidjson::Document kicked;
  kicked.Parse(reply.body.c_str());
  CHECK(kicked["closed"].GetInt64() == 2);
  CHECK(on1->expect_close(cluster_frame_timeout) == 4001);
  CHECK(on2->expect_close(cluster_frame_timeout) == 4001);
}

TEST_CASE("a killed node shows as lost with its reason, a stopped one as "
          "left, and the losses are counted by reason") {
  test_cluster cluster{3};
  cluster.signal(2, SIGKILL);
  auto after_kill = wait_for_cluster(cluster, 0, [](const auto& doc) {
    return has_event(doc, "node2", "lost", "remote_link_unreachable");
  });
  INFO("node0's view: " << text_of(after_kill));
  CHECK(has_event(after_kill, "node2", "lost", "remote_link_unreachable"));
  // Until the survivors remove it from the table it is listed, not left
  // out: unreachable, without a link.
  if (const auto* gone = member_named(after_kill, "node2")) {
    CHECK_FALSE((*gone)["reachable"].GetBool());
    CHECK(std::string{(*gone)["link"].GetString()} == "not linked");
  }
  auto removed = wait_for_cluster(cluster, 0, [](const auto& doc) {
    return member_named(doc, "node2") == nullptr;
  });
  CHECK(member_named(removed, "node2") == nullptr);
  CHECK(sample_value(metrics_of(cluster, 0), "parley_cluster_losses_total",
                     R"({reason="remote_link_unreachable"})") == 1);

  cluster.signal(1, SIGTERM);
  auto after_stop = wait_for_cluster(cluster, 0, [](const auto& doc) {
    return has_event(doc, "node1", "lost", "left");
  });
  CHECK(has_event(after_stop, "node1", "lost", "left"));
  CHECK(sample_value(metrics_of(cluster, 0), "parley_cluster_losses_total",
                     R"({reason="left"})") == 1);
}
