// `parley ctl` against real cluster nodes: every command, as a table and as
// JSON, over the node's cluster port (CAF's middleman), the same answers
// as the HTTP admin view gives.
#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/admin_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// `parley ctl --node <node i's cluster address> ARGS...`.
process_result ctl(test_cluster& cluster, std::size_t i,
                   std::vector<std::string> args) {
  auto port = cluster.node(i).cluster_port();
  REQUIRE(port.has_value());
  std::vector<std::string> argv{"ctl", "--node",
                                "127.0.0.1:" + std::to_string(*port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_to_exit(argv, 60s);
}

/// ctl's JSON output; the test fails unless it exits 0 with JSON.
rapidjson::Document ctl_json(test_cluster& cluster, std::size_t i,
                             std::vector<std::string> args) {
  args.emplace_back("--json");
  auto run = ctl(cluster, i, args);
  INFO("stdout: " << run.stdout_text << "\nstderr: " << run.stderr_text);
  REQUIRE(run.exit_code == 0);
  rapidjson::Document doc;
  doc.Parse(run.stdout_text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("parley ctl status, cluster, user, metrics and disconnect answer "
          "over the cluster port, as tables and as JSON") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob, "?device=laptop");
  alice_ws->send_text(send_frame(bob.id, "hello over there"));
  CHECK(next_message_frame(*alice_ws).type == "message_sent");
  CHECK(next_message_frame(*bob_ws).content == "hello over there");

  auto status = ctl(cluster, 0, {"status"});
  INFO("status: " << status.stdout_text << status.stderr_text);
  CHECK(status.exit_code == 0);
  CHECK(contains(status.stdout_text, "node       node0 (incarnation "));
  CHECK(contains(status.stdout_text, "database   postgresql: ok"));
  auto status_json = ctl_json(cluster, 0, {"status"});
  auto http_json = admin_json(cluster.node(0), "/admin/node");
  CHECK(std::string{status_json["node"].GetString()} == "node0");
  CHECK(status_json["incarnation"].GetInt64() ==
        http_json["incarnation"].GetInt64());
  CHECK(status_json["actors"]["session"].GetInt64() == 1);

  auto members = ctl(cluster, 2, {"cluster"});
  INFO("cluster: " << members.stdout_text << members.stderr_text);
  CHECK(members.exit_code == 0);
  for (const char* name : {"node0", "node1"})
    CHECK(contains(members.stdout_text, std::string{name}));
  CHECK(contains(members.stdout_text, "linked"));
  CHECK(ctl_json(cluster, 2, {"cluster"})["members"].Size() == 3);

  auto user = ctl(cluster, 2, {"user", "bob"});
  INFO("user: " << user.stdout_text << user.stderr_text);
  CHECK(user.exit_code == 0);
  CHECK(contains(user.stdout_text, "user bob (id " + std::to_string(bob.id) +
                                       "): 1 connections"));
  CHECK(contains(user.stdout_text, "laptop"));
  auto user_json = ctl_json(cluster, 2, {"user", "bob"});
  CHECK(user_json["nodes"].Size() == 3);

  auto metrics = ctl(cluster, 1, {"metrics"});
  CHECK(metrics.exit_code == 0);
  CHECK(sample_value(metrics.stdout_text, "parley_cluster_members") == 3);
  CHECK(sample_value(metrics.stdout_text,
                     "parley_cluster_routes_received_total",
                     R"({peer="node0"})") >= 1);

  auto unknown = ctl(cluster, 0, {"user", "nobody"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.stderr_text, "no user named nobody"));

  auto kicked = ctl(cluster, 2, {"disconnect", "bob"});
  INFO("disconnect: " << kicked.stdout_text << kicked.stderr_text);
  CHECK(kicked.exit_code == 0);
  CHECK(contains(kicked.stdout_text, "closed 1 connections of bob with 4001"));
  CHECK(bob_ws->expect_close(cluster_frame_timeout) == 4001);
}

TEST_CASE("parley ctl drain: the node turns unready and closes its "
          "connections with 1001, the other node keeps serving") {
  test_cluster cluster{2};
  auto alice = cluster.make_user(0, "alice");
  auto alice_ws = cluster.connect(1, alice);
  auto drained = ctl(cluster, 1, {"drain"});
  INFO("drain: " << drained.stdout_text << drained.stderr_text);
  CHECK(drained.exit_code == 0);
  CHECK(contains(drained.stdout_text, "node1 is draining"));
  CHECK(alice_ws->expect_close(cluster_frame_timeout) == 1001);
  CHECK(http_request("127.0.0.1", cluster.port(1), "GET", "/readyz").status ==
        503);
  CHECK(http_request("127.0.0.1", cluster.port(0), "GET", "/readyz").status ==
        200);
  // The drained node still serves the cluster: its status answers, and a
  // client that moved to node0 chats as before.
  CHECK(ctl_json(cluster, 1, {"status"})["draining"].GetBool());
  auto bob = cluster.make_user(0, "bob");
  auto bob_ws = cluster.connect(0, bob);
  auto moved = cluster.connect(0, alice);
  moved->send_text(send_frame(bob.id, "from node0 now"));
  CHECK(next_message_frame(*moved).type == "message_sent");
  CHECK(next_message_frame(*bob_ws).content == "from node0 now");
}

TEST_CASE("parley ctl refuses bad usage with exit status 2") {
  auto no_node = run_to_exit({"ctl", "status"}, 60s);
  CHECK(no_node.exit_code == 2);
  CHECK(contains(no_node.stderr_text, "--node HOST:PORT is required"));
  auto no_name = run_to_exit({"ctl", "--node", "127.0.0.1:1", "user"}, 60s);
  CHECK(no_name.exit_code == 2);
  CHECK(contains(no_name.stderr_text, "a username"));
  auto unknown = run_to_exit({"ctl", "--node", "127.0.0.1:1", "reboot"}, 60s);
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.stderr_text, "unknown command reboot"));
  auto help = run_to_exit({"ctl", "--help"}, 60s);
  CHECK(help.exit_code == 0);
  CHECK(contains(help.stdout_text, "disconnect NAME"));
}
