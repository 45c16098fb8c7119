// Resume on a quiet node: ?since= and the sync frame replay everything to
// or from the user after a message id (received as incoming_message, sent
// as outgoing_message), then sync_complete, then live traffic.
#include <cstdint>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Alice and Bob on one node.
struct two_users {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
};

} // namespace

TEST_CASE("a sync frame on a live connection replays after after_id, then "
          "sync_complete, then live traffic") {
  two_users users;
  auto alice_ws = connect_with_header(users.node, users.alice);
  auto bob_ws = connect_with_header(users.node, users.bob, "since=0");
  expect_next(*bob_ws, "sync_complete");
  auto a1 = send_and_ack(*alice_ws, users.bob.id, "a1");
  auto a2 = send_and_ack(*alice_ws, users.bob.id, "a2");
  expect_next(*bob_ws, "incoming_message", a1);
  expect_next(*bob_ws, "incoming_message", a2);
  auto b1 = send_and_ack(*bob_ws, users.alice.id, "b1");
  expect_next(*alice_ws, "incoming_message", b1);
  auto a3 = send_and_ack(*alice_ws, users.bob.id, "a3");
  expect_next(*bob_ws, "incoming_message", a3);

  bob_ws->send_text(sync_request(a1));
  auto replayed_a2 = expect_next(*bob_ws, "incoming_message", a2);
  CHECK(string_member(replayed_a2, "content") == "a2");
  auto replayed_b1 = expect_next(*bob_ws, "outgoing_message", b1);
  CHECK(int_member(replayed_b1, "recipient_id") == users.alice.id);
  expect_next(*bob_ws, "incoming_message", a3);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == a3);

  auto a4 = send_and_ack(*alice_ws, users.bob.id, "a4");
  expect_next(*bob_ws, "incoming_message", a4);
  auto a5 = send_and_ack(*alice_ws, users.bob.id, "a5");
  expect_next(*bob_ws, "incoming_message", a5);
}

TEST_CASE("a user's own sent messages replay as outgoing_message") {
  two_users users;
  std::int64_t b1 = 0, b2 = 0;
  {
    auto bob_ws = connect_with_header(users.node, users.bob);
    b1 = send_and_ack(*bob_ws, users.alice.id, "first from bob");
    b2 = send_and_ack(*bob_ws, users.alice.id, "second from bob");
    bob_ws->close();
  }
  auto bob_ws = connect_with_query_token(users.node, users.bob, "since=0");
  auto first = expect_next(*bob_ws, "outgoing_message", b1);
  CHECK(member_names(first) == std::set<std::string>{"type", "id",
                                                     "recipient_id", "content",
                                                     "sent_at"});
  CHECK(int_member(first, "recipient_id") == users.alice.id);
  CHECK(string_member(first, "content") == "first from bob");
  CHECK(is_utc_millis_timestamp(string_member(first, "sent_at").value_or("")));
  auto second = expect_next(*bob_ws, "outgoing_message", b2);
  CHECK(string_member(second, "content") == "second from bob");
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == b2);
}

TEST_CASE("a replay holds nothing of other users' conversations") {
  two_users users;
  auto carol = register_and_login(users.node.port(), "carol", "password-c");
  auto alice_ws = connect_with_header(users.node, users.alice);
  send_and_ack(*alice_ws, carol.id, "for carol");
  auto to_bob = send_and_ack(*alice_ws, users.bob.id, "for bob");
  auto bob_ws = connect_with_header(users.node, users.bob, "since=0");
  expect_next(*bob_ws, "incoming_message", to_bob);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == to_bob);
}

TEST_CASE("a malformed sync frame gets invalid_after_id and the connection "
          "stays live") {
  two_users users;
  auto alice_ws = connect_with_header(users.node, users.alice);
  auto bob_ws = connect_with_header(users.node, users.bob);
  await_live(*bob_ws, 0);
  for (std::string bad :
       {R"({"type":"sync","after_id":-1})", R"({"type":"sync","after_id":"5"})",
        R"({"type":"sync","after_id":1.5})",
        R"({"type":"sync","after_id":null})", R"({"type":"sync"})"}) {
    INFO(bad);
    bob_ws->send_text(bad);
    auto error = expect_next(*bob_ws, "error");
    CHECK(string_member(error, "code") == "invalid_after_id");
  }
  auto marker = send_and_ack(*alice_ws, users.bob.id, "marker");
  expect_next(*bob_ws, "incoming_message", marker);
}
