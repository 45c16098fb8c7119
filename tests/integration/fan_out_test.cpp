// Multi-device fan-out: every connection of the recipient gets the message,
// the sender's other connections a copy, the sending one only its ack, and
// nobody else anything. "Nothing arrives" is checked with a later marker
// that travels the same path: the next frame must be the marker.
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Alice with two connections, Bob with three and Carol with one, all
/// attached and live before any message is sent.
struct six_connections {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  logged_in_user carol =
      register_and_login(node.port(), "carol", "password-of-carol");
  std::unique_ptr<ws_client> alice_sender =
      live(connect_with_header(node, alice));
  std::unique_ptr<ws_client> alice_other =
      live(connect_with_query_token(node, alice));
  std::unique_ptr<ws_client> bob_phone = live(connect_with_header(node, bob));
  std::unique_ptr<ws_client> bob_laptop =
      live(connect_with_query_token(node, bob));
  std::unique_ptr<ws_client> bob_browser =
      resumed(connect_with_header(node, bob, "since=0"));
  std::unique_ptr<ws_client> carol_ws = live(connect_with_header(node, carol));

  /// A connection that is attached: a message routed now reaches it.
  static std::unique_ptr<ws_client> live(std::unique_ptr<ws_client> ws) {
    await_live(*ws, 0);
    return ws;
  }

  /// A connection opened with since=0, once its (empty) replay is over.
  static std::unique_ptr<ws_client> resumed(std::unique_ptr<ws_client> ws) {
    expect_next(*ws, "sync_complete");
    return ws;
  }
};

} // namespace

TEST_CASE("a message reaches every connection of the recipient and a copy "
          "reaches the sender's other connections") {
  six_connections c;
  auto id = send_and_ack(*c.alice_sender, c.bob.id, "to every device", "m1");
  for (auto* bob_ws :
       {c.bob_phone.get(), c.bob_laptop.get(), c.bob_browser.get()}) {
    auto incoming = expect_next(*bob_ws, "incoming_message", id);
    CHECK(string_member(incoming, "content") == "to every device");
    CHECK(int_member(incoming, "sender_id") == c.alice.id);
  }
  auto copy = expect_next(*c.alice_other, "outgoing_message", id);
  INFO("outgoing_message: " << to_text(copy));
  CHECK(member_names(copy) == std::set<std::string>{"type", "id",
                                                    "recipient_id", "content",
                                                    "sent_at"});
  CHECK(int_member(copy, "recipient_id") == c.bob.id);
  CHECK(string_member(copy, "content") == "to every device");
  CHECK(is_utc_millis_timestamp(string_member(copy, "sent_at").value_or("")));
}

TEST_CASE("the sending connection gets only message_sent, never its own "
          "message") {
  six_connections c;
  auto id = send_and_ack(*c.alice_sender, c.bob.id, "hello", "m1");
  expect_next(*c.bob_phone, "incoming_message", id);
  // Bob's answer reaches Alice's user actor after Alice's message did; were
  // a copy of "hello" on its way to the sending connection, it would come
  // first.
  auto marker = send_and_ack(*c.bob_phone, c.alice.id, "marker");
  expect_next(*c.alice_sender, "incoming_message", marker);
  expect_next(*c.alice_other, "outgoing_message", id);
  expect_next(*c.alice_other, "incoming_message", marker);
}

TEST_CASE("a third user's connection gets nothing of a conversation between "
          "two others") {
  six_connections c;
  auto to_bob = send_and_ack(*c.alice_sender, c.bob.id, "for bob only");
  expect_next(*c.bob_phone, "incoming_message", to_bob);
  auto to_alice = send_and_ack(*c.bob_phone, c.alice.id, "for alice only");
  expect_next(*c.alice_sender, "incoming_message", to_alice);

  auto marker = send_and_ack(*c.alice_sender, c.carol.id, "marker for carol");
  auto first = expect_next(*c.carol_ws, "incoming_message", marker);
  CHECK(string_member(first, "content") == "marker for carol");
}

TEST_CASE("a closed connection of the recipient does not stop delivery to "
          "the others") {
  six_connections c;
  c.bob_phone->close();
  auto id = send_and_ack(*c.alice_sender, c.bob.id, "still reachable");
  expect_next(*c.bob_laptop, "incoming_message", id);
  expect_next(*c.bob_browser, "incoming_message", id);
}

TEST_CASE("an error frame goes only to the connection that sent the bad "
          "frame") {
  six_connections c;
  c.alice_sender->send_text(private_message(c.bob.id, "", "bad-1"));
  auto error = expect_next(*c.alice_sender, "error");
  CHECK(string_member(error, "code") == "invalid_content");

  auto marker = send_and_ack(*c.alice_sender, c.bob.id, "marker");
  expect_next(*c.alice_other, "outgoing_message", marker);
  expect_next(*c.bob_phone, "incoming_message", marker);
  expect_next(*c.bob_laptop, "incoming_message", marker);
}

TEST_CASE("a message from the recipient's side fans out the same way in the "
          "other direction") {
  six_connections c;
  auto id = send_and_ack(*c.bob_laptop, c.alice.id, "answer", "r1");
  expect_next(*c.alice_sender, "incoming_message", id);
  expect_next(*c.alice_other, "incoming_message", id);
  expect_next(*c.bob_phone, "outgoing_message", id);
  expect_next(*c.bob_browser, "outgoing_message", id);
  // Nothing more for Bob's sending connection: the marker comes next.
  auto marker = send_and_ack(*c.alice_sender, c.bob.id, "marker");
  expect_next(*c.bob_laptop, "incoming_message", marker);
}
