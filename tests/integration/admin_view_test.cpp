// The admin view of one node (--admin-listen): GET /admin/node,
// /admin/cluster and /admin/users/{name}, POST .../disconnect and
// /admin/drain, against a real node with real WebSocket clients. The
// cluster's side of the same endpoints is in tests/cluster/admin_test.cpp.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/chat_pair.hpp"
#include "tests/support/admin_client.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

/// This node's entry of GET /admin/users/{name} (a single node: the only).
const rapidjson::Value& connections_here(const rapidjson::Document& user) {
  REQUIRE(user["nodes"].Size() == 1);
  const auto& here = user["nodes"][0];
  REQUIRE(here["reachable"].GetBool());
  return here["connections"];
}

const rapidjson::Value* connection_of_device(const rapidjson::Value& list,
                                             const std::string& device) {
  for (const auto& x : list.GetArray())
    if (x["device"].GetString() == device) return &x;
  return nullptr;
}

std::string backend() {
  const char* name = std::getenv("PARLEY_TEST_BACKEND");
  return name == nullptr ? "" : name;
}

} // namespace

TEST_CASE("GET /admin/node shows the node, its actors, the writer's last "
          "batches and the limits in force") {
  chat_pair pair{{"--max-content-bytes", "1000"}};
  send_and_ack(*pair.alice_ws, pair.bob.id, "one for the batch list");
  expect_next(*pair.bob_ws, "incoming_message");
  auto doc = admin_json(pair.node.process(), "/admin/node");
  CHECK(std::string{doc["node"].GetString()} == "standalone");
  CHECK(std::string{doc["version"].GetString()}.size() > 0);
  CHECK_FALSE(doc["cluster"].GetBool());
  CHECK_FALSE(doc["draining"].GetBool());
  CHECK(doc["uptime_seconds"].GetInt64() >= 0);
  CHECK(doc["actors"]["session"].GetInt64() == 2);
  CHECK(doc["actors"]["user"].GetInt64() == 2);
  CHECK(std::string{doc["database"]["backend"].GetString()} == backend());
  const auto& writer = doc["writer"];
  CHECK(std::string{writer["database"].GetString()} == "ok");
  REQUIRE(writer["last_batches"].Size() >= 1);
  CHECK(writer["last_batches"][0]["messages"].GetInt64() >= 1);
  CHECK(writer["batches_committed"].GetInt64() >= 1);
  CHECK(doc["limits"]["max_content_bytes"].GetInt64() == 1000);
  CHECK(doc["limits"]["open_files"].GetInt64() > 0);
}

TEST_CASE("GET /admin/users/{name} lists each connection of the user with "
          "its device, cursors and address, and what waits for the user") {
  chat_pair pair;
  auto phone = pair.connect(pair.bob, "?acks=1&device=phone");
  await_live(*phone, 0);
  auto id = send_and_ack(*pair.alice_ws, pair.bob.id, "to both of bob's");
  expect_next(*pair.bob_ws, "incoming_message", id);
  expect_next(*phone, "incoming_message", id);
  phone->send_text(R"({"type":"ack","up_to_id":)" + std::to_string(id) + "}");

  // The ack reaches the user actor after the frame: wait for it to show.
  std::int64_t acked = -1;
  auto deadline = std::chrono::steady_clock::now() + expected_frame_timeout;
  rapidjson::Document user;
  while (acked != id && std::chrono::steady_clock::now() < deadline) {
    user = admin_json(pair.node.process(), "/admin/users/bob");
    const auto* entry = connection_of_device(connections_here(user), "phone");
    REQUIRE(entry != nullptr);
    acked = (*entry)["acked_through"].GetInt64();
    if (acked != id) std::this_thread::sleep_for(50ms);
  }
  CHECK(acked == id);
  CHECK(std::string{user["user"].GetString()} == "bob");
  CHECK(user["id"].GetInt64() == pair.bob.id);
  CHECK(std::string{user["nodes"][0]["node"].GetString()} == "standalone");
  const auto& list = connections_here(user);
  REQUIRE(list.Size() == 2);
  for (const auto& x : list.GetArray()) {
    CHECK(x["answered"].GetBool());
    CHECK(std::string{x["remote"].GetString()}.rfind("127.0.0.1:", 0) == 0);
    CHECK(x["opened_at_ms"].GetInt64() > 0);
    CHECK(x["last_frame_out_ms"].GetInt64() >= x["opened_at_ms"].GetInt64());
    CHECK(std::string{x["resume"].GetString()} == "live");
    CHECK(x["handed_through"].GetInt64() == id);
    CHECK(x["outbound_queue_bytes"].GetInt64() >= 0);
  }
  const auto* acking = connection_of_device(list, "phone");
  CHECK((*acking)["acks"].GetBool());
  CHECK((*acking)["last_frame_in_ms"].GetInt64() > 0);
  const auto* plain = connection_of_device(list, "");
  REQUIRE(plain != nullptr);
  CHECK_FALSE((*plain)["acks"].GetBool());

  // carol never connected: what alice sent her waits, and she has no
  // connection anywhere.
  auto carol = register_and_login(pair.node.port(), "carol", "password-carol");
  send_and_ack(*pair.alice_ws, carol.id, "for later");
  send_and_ack(*pair.alice_ws, carol.id, "also for later");
  auto waiting = admin_json(pair.node.process(), "/admin/users/carol");
  CHECK(waiting["undelivered"].GetInt64() == 2);
  CHECK(connections_here(waiting).Size() == 0);

  auto unknown =
      admin_request(pair.node.process(), "GET", "/admin/users/nobody");
  CHECK(unknown.status == 404);
  CHECK(unknown.body.find("not_found") != std::string::npos);
}

TEST_CASE("POST /admin/users/{name}/disconnect closes every connection of "
          "the user with 4001 and leaves the others open") {
  chat_pair pair;
  auto second = pair.connect(pair.bob, "?device=laptop");
  await_live(*second, 0);
  CHECK(admin_request(pair.node.process(), "GET", "/admin/users/bob/disconnect")
            .status == 405);
  auto reply =
      admin_request(pair.node.process(), "POST", "/admin/users/bob/disconnect");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  auto doc = parse(reply.body);
  CHECK(doc["closed"].GetInt64() == 2);
  CHECK(pair.bob_ws->expect_close(expected_frame_timeout) == 4001);
  CHECK(second->expect_close(expected_frame_timeout) == 4001);
  // alice stays connected and can still send; bob gets it when he is back.
  auto id = send_and_ack(*pair.alice_ws, pair.bob.id, "after the kick");
  auto back = pair.connect(pair.bob);
  expect_next(*back, "incoming_message", id);
  auto nobody =
      admin_request(pair.node.process(), "POST", "/admin/users/x_y/disconnect");
  CHECK(nobody.status == 404);
}

TEST_CASE("POST /admin/drain turns /readyz to 503, closes the connections "
          "with 1001 and refuses new ones, while the node keeps running") {
  chat_pair pair;
  CHECK(pair.node.get("/readyz").status == 200);
  CHECK(admin_request(pair.node.process(), "GET", "/admin/drain").status ==
        405);
  auto reply = admin_request(pair.node.process(), "POST", "/admin/drain");
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  auto doc = parse(reply.body);
  CHECK(doc["draining"].GetBool());
  CHECK(doc["closing_connections"].GetInt64() == 2);
  CHECK(pair.node.get("/readyz").status == 503);
  CHECK(pair.alice_ws->expect_close(expected_frame_timeout) == 1001);
  CHECK(pair.bob_ws->expect_close(expected_frame_timeout) == 1001);
  auto refused = ws_client::connect("127.0.0.1", pair.node.port(), "/ws",
                                    bearer(pair.alice.token));
  CHECK_FALSE(refused.client);
  CHECK(refused.refusal.status == 503);
  CHECK(pair.node.get("/healthz").status == 200);
  CHECK(admin_json(pair.node.process(), "/admin/node")["draining"].GetBool());
}

TEST_CASE("GET /admin/cluster on a single node lists just this node") {
  running_node node;
  auto doc = admin_json(node.process(), "/admin/cluster");
  CHECK_FALSE(doc["cluster"].GetBool());
  REQUIRE(doc["members"].Size() == 1);
  const auto& me = doc["members"][0];
  CHECK(std::string{me["name"].GetString()} == "standalone");
  CHECK(std::string{me["link"].GetString()} == "self");
  CHECK(me["reachable"].GetBool());
  CHECK(std::string{me["status"]["node"].GetString()} == "standalone");
  CHECK(doc["events"].Size() == 0);
}

TEST_CASE("the admin routes answer 404 and 405 like the API, and need the "
          "admin token when one is set") {
  temp_dir dir;
  auto path = dir.path() + "/admin-token";
  const std::string token = "an-admin-token-of-some-length";
  std::ofstream{path} << token << "\n";
  running_node node{{"--admin-token-file", path}};
  CHECK(admin_request(node.process(), "GET", "/admin/node").status == 401);
  CHECK(admin_request(node.process(), "POST", "/admin/drain").status == 401);
  CHECK(admin_request(node.process(), "GET", "/admin/node", bearer(token))
            .status == 200);
  CHECK(admin_request(node.process(), "POST", "/admin/node", bearer(token))
            .status == 405);
  CHECK(admin_request(node.process(), "GET", "/admin/nothing", bearer(token))
            .status == 404);
  CHECK(admin_request(node.process(), "GET", "/admin/users/", bearer(token))
            .status == 404);
  CHECK(node.get("/admin/node").status == 404); // not on the public port
}

TEST_CASE("parley ctl pointed at a node without cluster mode says it has no "
          "cluster port to talk to") {
  running_node node;
  auto run = run_to_exit(
      {"ctl", "--node", "127.0.0.1:" + std::to_string(node.port()), "status"},
      60s);
  CHECK(run.exit_code == 1);
  CHECK(run.stdout_text.empty());
  CHECK(run.stderr_text.find("without cluster mode") != std::string::npos);
  CHECK(run.stderr_text.find("/admin/node") != std::string::npos);
  CHECK(node.get("/healthz").status == 200); // unharmed by the handshake
}
