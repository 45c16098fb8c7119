// The seed journey end to end: two people register, log in, connect and
// exchange a message, which is committed before anyone hears of it; and
// presence following their connections.
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Presence is written asynchronously (registry → writer); it settles well
/// within this on any machine that runs the suite.
constexpr auto presence_deadline = 5s;

/// Between two looks at presence: short, since the wait is for an event.
constexpr auto presence_poll_interval = 20ms;

/// The "status" of GET /users/{username}, empty when the request failed.
std::string status_of(const running_node& node, const logged_in_user& asker,
                      const std::string& username) {
  auto response = node.get("/users/" + username, bearer(asker.token));
  if (response.status != 200) return {};
  return string_member(parse_json(response.body), "status").value_or("");
}

/// Polls GET /users/{username} until it shows `wanted` or the deadline
/// passes; the last status seen.
std::string wait_for_status(const running_node& node,
                            const logged_in_user& asker,
                            const std::string& username,
                            const std::string& wanted) {
  auto deadline = std::chrono::steady_clock::now() + presence_deadline;
  auto status = status_of(node, asker, username);
  while (status != wanted && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(presence_poll_interval);
    status = status_of(node, asker, username);
  }
  return status;
}

/// Checks that `frame` has exactly the members `names`.
void check_members(const rapidjson::Value& frame,
                   const std::set<std::string>& names) {
  INFO("frame: " << to_text(frame));
  CHECK(member_names(frame) == names);
}

} // namespace

TEST_CASE("Alice's message reaches Bob, is committed, and presence follows "
          "their connections") {
  running_node node;
  db_rows db{node.db_url()};
  auto alice = register_and_login(node.port(), "Alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "Bob", "password-of-bob");
  CHECK(status_of(node, alice, "Bob") == "offline");
  CHECK(db.user_status(bob.id) == "offline");

  auto alice_ws = connect_with_header(node, alice);
  auto bob_ws = connect_with_query_token(node, bob);
  CHECK(wait_for_status(node, alice, "Bob", "online") == "online");
  CHECK(db.user_status(bob.id) == "online");

  alice_ws->send_text(R"({"type":"private_message","recipient_id":)" +
                      std::to_string(bob.id) + R"(,"content":"Hi Bob!"})");

  auto incoming = expect_next(*bob_ws, "incoming_message");
  check_members(incoming, {"type", "id", "sender_id", "sender_username",
                           "content", "sent_at"});
  auto id = id_of(incoming);
  CHECK(id > 0);
  CHECK(int_member(incoming, "sender_id") == alice.id);
  CHECK(string_member(incoming, "sender_username") == "Alice");
  CHECK(string_member(incoming, "content") == "Hi Bob!");
  auto sent_at = string_member(incoming, "sent_at").value_or("");
  CHECK_MESSAGE(is_utc_millis_timestamp(sent_at), sent_at);

  auto ack = expect_next(*alice_ws, "message_sent", id);
  check_members(ack, {"type", "id", "recipient_id", "sent_at"});
  CHECK(int_member(ack, "recipient_id") == bob.id);
  CHECK(string_member(ack, "sent_at") == sent_at);

  auto rows = db.messages();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].id == id);
  CHECK(rows[0].sender_id == alice.id);
  CHECK(rows[0].receiver_id == bob.id);
  CHECK(rows[0].content == "Hi Bob!");
  CHECK_FALSE(rows[0].client_msg_id.has_value()); // sent without a key
  CHECK(utc_millis_timestamp(rows[0].sent_at_ms) == sent_at);

  bob_ws->close();
  alice_ws->close();
  CHECK(wait_for_status(node, alice, "Bob", "offline") == "offline");
  CHECK(wait_for_status(node, bob, "Alice", "offline") == "offline");
  CHECK(db.user_status(bob.id) == "offline");
  CHECK(db.user_status(alice.id) == "offline");
}

TEST_CASE("a user with two connections stays online until the last closes") {
  running_node node;
  db_rows db{node.db_url()};
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto bob_phone = connect_with_header(node, bob);
  auto bob_laptop = connect_with_query_token(node, bob);
  auto alice_ws = connect_with_header(node, alice);
  REQUIRE(wait_for_status(node, bob, "alice", "online") == "online");
  REQUIRE(wait_for_status(node, alice, "bob", "online") == "online");

  // Bob's phone goes first; Alice's only connection ends after it. Once
  // Alice shows offline, a wrong "offline" for Bob would have been written
  // too: both travel session → user → registry → writer.
  bob_phone->close();
  alice_ws->close();
  REQUIRE(wait_for_status(node, bob, "alice", "offline") == "offline");
  CHECK(status_of(node, alice, "bob") == "online");
  CHECK(db.user_status(bob.id) == "online");

  bob_laptop->close();
  CHECK(wait_for_status(node, alice, "bob", "offline") == "offline");
  CHECK(db.user_status(bob.id) == "offline");
}

TEST_CASE("a refused message is neither stored nor delivered") {
  running_node node;
  db_rows db{node.db_url()};
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto alice_ws = connect_with_header(node, alice);
  auto bob_ws = connect_with_header(node, bob);

  alice_ws->send_text(R"({"type":"private_message","recipient_id":)" +
                      std::to_string(bob.id) + R"(,"content":""})");
  auto error = expect_next(*alice_ws, "error");
  CHECK(string_member(error, "code") == "invalid_content");
  CHECK_FALSE(error.HasMember("client_msg_id"));

  auto marker = send_and_ack(*alice_ws, bob.id, "marker");
  expect_next(*bob_ws, "incoming_message", marker);
  auto rows = db.messages();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].content == "marker");
}

TEST_CASE("a connection with a bad token is refused and leaves the user "
          "offline") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto refused = ws_client::connect("127.0.0.1", node.port(),
                                    "/ws?access_token=" + bob.token + "x");
  CHECK_FALSE(refused.client);
  CHECK(refused.refusal.status == 401);
  CHECK(error_code_of(refused.refusal.body) == "unauthorized");

  // A refused upgrade creates no actor, so nothing may write Bob's
  // presence; once Alice's later connection shows, the writer has caught up
  // with anything written before it.
  auto alice_ws = connect_with_header(node, alice);
  REQUIRE(wait_for_status(node, bob, "alice", "online") == "online");
  CHECK(status_of(node, alice, "bob") == "offline");
}
