// Presence and typing frames on one node: a user's acking connections hear
// when someone they have a conversation with comes and goes (and, on
// connect, where each such peer stands), and typing indicators reach the
// recipient's connections only, ending by themselves when no "stop" comes.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/live_frames.hpp"
#include "tests/support/ws_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Alice and Bob, who have exchanged a message, and Carol, a stranger.
struct acquaintances {
  running_node node;
  logged_in_user alice = register_and_login(node.port(), "alice", "password1");
  logged_in_user bob = register_and_login(node.port(), "bob", "password2");
  logged_in_user carol = register_and_login(node.port(), "carol", "password3");

  acquaintances() {
    auto ws = connect_with_header(node, alice);
    send_and_ack(*ws, bob.id, "hello bob");
    ws->close();
  }

  /// A connection that speaks the whole protocol (acks, receipts,
  /// presence, typing).
  std::unique_ptr<ws_client> connect(const logged_in_user& user) {
    return connect_with_header(node, user, "acks=1");
  }
};

/// Sends a message on an acking connection and waits for its message_sent
/// (presence frames may come before it).
void send_message(ws_client& ws, std::int64_t recipient,
                  const std::string& text) {
  ws.send_text(private_message(recipient, text));
  REQUIRE(ws.read_until(json_type_is("message_sent"), frame_timeout));
}

} // namespace

TEST_CASE("a connection hears, on connect, where each conversation peer "
          "stands, then when one comes and goes") {
  acquaintances people;
  auto alice = people.connect(people.alice);
  CHECK(
      alice->read_until(presence_is(people.bob.id, "offline"), frame_timeout));
  auto bob = people.connect(people.bob);
  CHECK(bob->read_until(presence_is(people.alice.id, "online"), frame_timeout));
  CHECK(alice->read_until(presence_is(people.bob.id, "online"), frame_timeout));
  // While a second connection of Bob's stays, closing the first tells
  // Alice nothing: up to Bob's next message she hears no "offline".
  auto bob_phone = people.connect(people.bob);
  bob->close();
  send_message(*bob_phone, people.alice.id, "still here");
  bool offline_early = false;
  auto message = alice->read_until(
      [&](const std::string& text) {
        offline_early =
            offline_early || presence_is(people.bob.id, "offline")(text);
        return type_of(parse_json(text)) == "incoming_message";
      },
      frame_timeout);
  REQUIRE(message);
  CHECK_FALSE(offline_early);
  // Closing the last one does.
  bob_phone->close();
  CHECK(
      alice->read_until(presence_is(people.bob.id, "offline"), frame_timeout));
}

TEST_CASE("a stranger's coming and going is not told; a new conversation's "
          "peer is watched from its first message") {
  acquaintances people;
  auto alice = people.connect(people.alice);
  auto carol = people.connect(people.carol);
  // Carol is no peer of Alice's yet: her arrival was not announced. Once
  // she writes to Alice, Alice hears of her, online.
  send_message(*carol, people.alice.id, "hi, I am carol");
  auto told = alice->read_until(
      [&](const std::string& text) {
        auto frame = parse_json(text);
        return type_of(frame) == "presence" &&
               int_member(frame, "user_id") == people.carol.id;
      },
      frame_timeout);
  REQUIRE(told);
  CHECK(string_member(parse_json(*told), "status") == "online");
  carol->close();
  CHECK(alice->read_until(presence_is(people.carol.id, "offline"),
                          frame_timeout));
}

TEST_CASE("typing reaches the recipient's connections only, start and stop") {
  acquaintances people;
  auto alice = people.connect(people.alice);
  auto alice_tab = people.connect(people.alice);
  auto bob = people.connect(people.bob);
  auto carol = people.connect(people.carol);
  bob->send_text(typing_frame(people.alice.id, "start"));
  CHECK(alice->read_until(typing_is(people.bob.id, "start"), frame_timeout));
  CHECK(
      alice_tab->read_until(typing_is(people.bob.id, "start"), frame_timeout));
  bob->send_text(typing_frame(people.alice.id, "stop"));
  CHECK(alice->read_until(typing_is(people.bob.id, "stop"), frame_timeout));
  // Nothing of it reached Carol or Bob himself: a message to Carol is the
  // next thing she sees that is not presence.
  send_message(*bob, people.carol.id, "marker");
  auto next = carol->read_until(
      [](const std::string& text) {
        return type_of(parse_json(text)) != "presence";
      },
      frame_timeout);
  REQUIRE(next);
  CHECK(type_of(parse_json(*next)) == "incoming_message");
  // And nothing is stored: the conversation still holds one message.
  auto history =
      people.node.get("/messages?with=" + std::to_string(people.bob.id),
                      bearer(people.alice.token));
  CHECK(parse_json(history.body)["messages"].Size() == 1);
}

TEST_CASE("a start with no stop ends by itself, and a closed connection "
          "stops its typing") {
  acquaintances people;
  auto alice = people.connect(people.alice);
  auto bob = people.connect(people.bob);
  bob->send_text(typing_frame(people.alice.id, "start"));
  REQUIRE(alice->read_until(typing_is(people.bob.id, "start"), frame_timeout));
  auto started = std::chrono::steady_clock::now();
  REQUIRE(alice->read_until(typing_is(people.bob.id, "stop"), frame_timeout));
  // The server's expiry, not an early stop (it is 5 s).
  CHECK(std::chrono::steady_clock::now() - started >= 4s);
  bob->send_text(typing_frame(people.alice.id, "start"));
  REQUIRE(alice->read_until(typing_is(people.bob.id, "start"), frame_timeout));
  bob->close();
  CHECK(alice->read_until(typing_is(people.bob.id, "stop"), frame_timeout));
}

TEST_CASE("typing frames beyond the rate limit are dropped, and a bad one "
          "gets invalid_typing") {
  acquaintances people;
  auto alice = people.connect(people.alice);
  auto bob = people.connect(people.bob);
  constexpr int sent = 30;
  for (int i = 0; i < sent; ++i)
    bob->send_text(typing_frame(people.alice.id, "start"));
  send_message(*bob, people.alice.id, "after the burst");
  int starts = 0;
  auto marker = alice->read_until(
      [&](const std::string& text) {
        auto frame = parse_json(text);
        if (type_of(frame) == "typing" &&
            string_member(frame, "state") == "start")
          ++starts;
        return type_of(frame) == "incoming_message";
      },
      frame_timeout);
  REQUIRE(marker);
  CHECK(starts >= 1);
  CHECK(starts < sent);
  for (auto bad : {R"({"type":"typing","recipient_id":0,"state":"start"})",
                   R"({"type":"typing","state":"start"})",
                   R"({"type":"typing","recipient_id":1,"state":"maybe"})",
                   R"({"type":"typing","recipient_id":1})"}) {
    INFO(bad);
    bob->send_text(bad);
    auto error = bob->read_until(json_type_is("error"), frame_timeout);
    REQUIRE(error);
    CHECK(string_member(parse_json(*error), "code") == "invalid_typing");
  }
}

TEST_CASE("a plain connection gets neither presence nor typing frames") {
  acquaintances people;
  auto alice = connect_with_header(people.node, people.alice);
  auto bob = people.connect(people.bob);
  bob->send_text(typing_frame(people.alice.id, "start"));
  send_message(*bob, people.alice.id, "plain");
  // The first frame Alice gets is the message: no presence, no typing.
  CHECK(type_of(next_frame(*alice)) == "incoming_message");
}
