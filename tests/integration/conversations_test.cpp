// GET /conversations: a user's inbox over HTTP, with unread counts that
// follow the read frames the user's client sends over its WebSocket.
#include <chrono>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

rapidjson::Document inbox_of(running_node& node, const logged_in_user& user,
                             const std::string& query = {}) {
  auto reply = node.get("/conversations" + query, bearer(user.token));
  REQUIRE(reply.status == 200);
  auto doc = parse_json(reply.body);
  REQUIRE(doc.HasMember("conversations"));
  REQUIRE(doc["conversations"].IsArray());
  return doc;
}

} // namespace

TEST_CASE("the inbox lists conversations newest first and unread counts "
          "drop once the client sends a read frame") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto carol = register_and_login(node.port(), "carol", "password-of-carol");
  auto alice_ws = connect_with_header(node, alice);
  auto carol_ws = connect_with_header(node, carol);
  auto from_alice = send_and_ack(*alice_ws, bob.id, "hi from alice");
  auto from_carol = send_and_ack(*carol_ws, bob.id, "hi from carol");
  auto inbox = inbox_of(node, bob);
  const auto& rows = inbox["conversations"];
  REQUIRE(rows.Size() == 2);
  CHECK(std::string{rows[0]["peer"]["username"].GetString()} == "carol");
  CHECK(rows[0]["last_message"]["id"].GetInt64() == from_carol);
  CHECK(rows[0]["unread_count"].GetInt64() == 1);
  CHECK(std::string{rows[1]["peer"]["username"].GetString()} == "alice");
  CHECK(rows[1]["unread_count"].GetInt64() == 1);
  auto page = inbox_of(node, bob, "?limit=1");
  CHECK(page["conversations"].Size() == 1);

  auto bob_ws = connect_with_header(node, bob, "acks=1&device=phone");
  expect_next(*bob_ws, "incoming_message", from_alice);
  expect_next(*bob_ws, "incoming_message", from_carol);
  bob_ws->send_text(R"({"type":"read","peer_id":)" + std::to_string(alice.id) +
                    R"(,"up_to_id":)" + std::to_string(from_alice) + "}");
  // Receipts are committed with the writer's next batch of marks (within
  // about a second): wait for it.
  auto deadline = std::chrono::steady_clock::now() + frame_timeout;
  std::int64_t unread = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    auto now = inbox_of(node, bob);
    unread = now["conversations"][1]["unread_count"].GetInt64();
    if (unread == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(unread == 0);
  auto alices = inbox_of(node, alice);
  CHECK(alices["conversations"][0]["peer_read_through"].GetInt64() ==
        from_alice);
}

TEST_CASE("the inbox needs a token and refuses malformed paging") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  CHECK(node.get("/conversations").status == 401);
  CHECK(node.get("/conversations?limit=abc", bearer(alice.token)).status ==
        400);
  CHECK(node.get("/conversations?before_id=0", bearer(alice.token)).status ==
        400);
  CHECK(node.post("/conversations", "{}", bearer(alice.token)).status == 405);
  CHECK(inbox_of(node, alice)["conversations"].Size() == 0);
}
