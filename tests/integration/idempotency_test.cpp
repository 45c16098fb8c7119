// Idempotent resend: a client_msg_id sent again (after a lost ack, from any
// connection of the sender) gets the original message_sent, and nothing is
// stored or delivered twice; error frames echo a usable client_msg_id.
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Alice and Bob connected, and a direct look at the tables.
struct two_connected {
  running_node node;
  db_rows db{node.db_url()};
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  std::unique_ptr<ws_client> alice_ws = connect_with_header(node, alice);
  std::unique_ptr<ws_client> bob_ws = connect_with_header(node, bob);

  /// How many rows of `messages` hold `content`.
  std::size_t rows_with(const std::string& content) {
    std::size_t count = 0;
    for (const auto& row : db.messages())
      count += row.content == content ? 1 : 0;
    return count;
  }

  /// A marker from Alice must be Bob's next frame.
  void expect_marker_next_for_bob() {
    auto marker = send_and_ack(*alice_ws, bob.id, "marker");
    expect_next(*bob_ws, "incoming_message", marker);
  }
};

} // namespace

TEST_CASE("a client_msg_id sent twice on one connection is stored and "
          "delivered once") {
  two_connected c;
  auto frame = private_message(c.bob.id, "only once", "dup-1");
  c.alice_ws->send_text(frame);
  c.alice_ws->send_text(frame);
  auto first = expect_next(*c.alice_ws, "message_sent");
  auto second = expect_next(*c.alice_ws, "message_sent");
  CHECK(id_of(first) == id_of(second));
  CHECK(string_member(first, "client_msg_id") == "dup-1");
  CHECK(string_member(second, "client_msg_id") == "dup-1");
  CHECK(string_member(first, "sent_at") == string_member(second, "sent_at"));
  CHECK(int_member(second, "recipient_id") == c.bob.id);

  expect_next(*c.bob_ws, "incoming_message", id_of(first));
  c.expect_marker_next_for_bob();
  CHECK(c.rows_with("only once") == 1);
  auto row = c.db.message(id_of(first));
  REQUIRE(row);
  CHECK(row->client_msg_id == "dup-1");
}

TEST_CASE("a resend from a new connection of the sender gets the original "
          "message_sent") {
  two_connected c;
  // The first connection sends and goes before reading its ack, as if the
  // ack was lost; Bob's copy shows the message was committed.
  c.alice_ws->send_text(private_message(c.bob.id, "lost ack", "lost-1"));
  auto delivered = expect_next(*c.bob_ws, "incoming_message");
  c.alice_ws->close();

  auto again = connect_with_query_token(c.node, c.alice);
  again->send_text(private_message(c.bob.id, "lost ack", "lost-1"));
  auto ack = expect_next(*again, "message_sent", id_of(delivered));
  CHECK(string_member(ack, "client_msg_id") == "lost-1");
  CHECK(string_member(ack, "sent_at") == string_member(delivered, "sent_at"));

  auto marker = send_and_ack(*again, c.bob.id, "marker");
  expect_next(*c.bob_ws, "incoming_message", marker);
  CHECK(c.rows_with("lost ack") == 1);
}

TEST_CASE("a resend while the first connection is still open does not copy "
          "the message to it again") {
  two_connected c;
  auto id = send_and_ack(*c.alice_ws, c.bob.id, "sent once", "twice-1");
  expect_next(*c.bob_ws, "incoming_message", id);
  auto other = connect_with_header(c.node, c.alice);
  await_live(*other, id);
  auto resent = send_and_ack(*other, c.bob.id, "sent once", "twice-1");
  CHECK(resent == id);
  // Neither Alice's first connection nor Bob hears of the resend.
  auto marker = send_and_ack(*c.bob_ws, c.alice.id, "marker");
  expect_next(*c.alice_ws, "incoming_message", marker);
  c.expect_marker_next_for_bob();
}

TEST_CASE("different client_msg_ids give different messages") {
  two_connected c;
  auto first = send_and_ack(*c.alice_ws, c.bob.id, "same words", "a-1");
  auto second = send_and_ack(*c.alice_ws, c.bob.id, "same words", "a-2");
  CHECK(first != second);
  expect_next(*c.bob_ws, "incoming_message", first);
  expect_next(*c.bob_ws, "incoming_message", second);
  CHECK(c.rows_with("same words") == 2);
}

TEST_CASE("the same client_msg_id from two senders gives two messages") {
  two_connected c;
  auto from_alice = send_and_ack(*c.alice_ws, c.bob.id, "from alice", "x");
  expect_next(*c.bob_ws, "incoming_message", from_alice);
  auto from_bob = send_and_ack(*c.bob_ws, c.alice.id, "from bob", "x");
  CHECK(from_bob != from_alice);
  expect_next(*c.alice_ws, "incoming_message", from_bob);
  CHECK(c.rows_with("from alice") == 1);
  CHECK(c.rows_with("from bob") == 1);
}

TEST_CASE("messages without client_msg_id are never merged") {
  two_connected c;
  auto first = send_and_ack(*c.alice_ws, c.bob.id, "no id");
  auto second = send_and_ack(*c.alice_ws, c.bob.id, "no id");
  CHECK(first != second);
  CHECK(c.rows_with("no id") == 2);
}

TEST_CASE("error frames echo a usable client_msg_id and store nothing") {
  two_connected c;
  struct refused_frame {
    std::string text;
    std::string code;
  };
  auto bob = std::to_string(c.bob.id);
  const refused_frame cases[] = {
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":"","client_msg_id":"e1"})",
       "invalid_content"},
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":7,"client_msg_id":"e1"})",
       "invalid_content"},
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":")" + std::string(4097, 'x') +
           R"(","client_msg_id":"e1"})",
       "content_too_large"},
      {R"({"type":"private_message","recipient_id":0,"content":"hi",)"
       R"("client_msg_id":"e1"})",
       "invalid_recipient"},
      {R"({"type":"private_message","recipient_id":"2","content":"hi",)"
       R"("client_msg_id":"e1"})",
       "invalid_recipient"},
      {R"({"type":"private_message","recipient_id":999999,"content":"hi",)"
       R"("client_msg_id":"e1"})",
       "unknown_recipient"},
      {R"({"type":"shout","client_msg_id":"e1"})", "unknown_type"},
  };
  for (const auto& refused : cases) {
    INFO(refused.text.substr(0, 120));
    c.alice_ws->send_text(refused.text);
    auto error = expect_next(*c.alice_ws, "error");
    CHECK(string_member(error, "code") == refused.code);
    CHECK(string_member(error, "client_msg_id") == "e1");
    CHECK(string_member(error, "message").value_or("") != "");
  }
  // Nothing was stored under e1: it is still free for a real message.
  auto id = send_and_ack(*c.alice_ws, c.bob.id, "finally", "e1");
  expect_next(*c.bob_ws, "incoming_message", id);
  auto rows = c.db.messages();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].content == "finally");
}

TEST_CASE("error frames carry no client_msg_id when the frame had no usable "
          "one") {
  two_connected c;
  auto bob = std::to_string(c.bob.id);
  struct refused_frame {
    std::string text;
    std::string code;
  };
  const refused_frame cases[] = {
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":""})",
       "invalid_content"},
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":"hi","client_msg_id":""})",
       "invalid_client_msg_id"},
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":"hi","client_msg_id":")" + std::string(65, 'k') +
           R"("})",
       "invalid_client_msg_id"},
      {R"({"type":"private_message","recipient_id":)" + bob +
           R"(,"content":"hi","client_msg_id":17})",
       "invalid_client_msg_id"},
      {R"({"type":"private_message","recipient_id":999999,"content":"hi"})",
       "unknown_recipient"},
  };
  for (const auto& refused : cases) {
    INFO(refused.text);
    c.alice_ws->send_text(refused.text);
    auto error = expect_next(*c.alice_ws, "error");
    CHECK(string_member(error, "code") == refused.code);
    CHECK_FALSE(error.HasMember("client_msg_id"));
  }
  c.expect_marker_next_for_bob();
  CHECK(c.db.messages().size() == 1);
}
