// WebSocket framing that no library client produces, sent by hand: split
// messages, control frames between fragments, and protocol violations. The
// node reassembles what is valid, fails the connection with the RFC 6455
// close code for what is not, and stores nothing from a failed connection.
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_pair.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// RFC 6455 section 5.2 opcodes and section 7.4.1 close codes.
constexpr int continuation_opcode = 0;
constexpr int text_opcode = 1;
constexpr int close_opcode = 8;
constexpr int ping_opcode = 9;
constexpr int pong_opcode = 10;
constexpr int protocol_error = 1002;
constexpr int message_too_big = 1009;

/// Reads frames until a close frame: its code, nullopt if none came.
std::optional<int> close_code_of(raw_ws_connection& raw) {
  while (auto frame = raw.read_frame(expected_frame_timeout))
    if (frame->opcode == close_opcode) return frame->close_code();
  return std::nullopt;
}

} // namespace

TEST_CASE("a message split into fragments around a ping is reassembled") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  auto frame = message_frame(chat.bob.id, "in three parts", "frag");
  auto third = frame.size() / 3;
  raw.send_frame(text_opcode, frame.substr(0, third), false);
  raw.send_frame(ping_opcode, "are you there");
  raw.send_frame(continuation_opcode, frame.substr(third, third), false);
  raw.send_frame(continuation_opcode, frame.substr(2 * third));
  bool ponged = false;
  std::optional<ws_frame> reply;
  while ((reply = raw.read_frame(expected_frame_timeout)) &&
         reply->opcode != text_opcode)
    ponged = ponged || (reply->opcode == pong_opcode &&
                        reply->payload == "are you there");
  REQUIRE(reply);
  CHECK(ponged);
  auto ack = parse_json(reply->payload);
  CHECK(string_member(ack, "type") == "message_sent");
  CHECK(string_member(ack, "client_msg_id") == "frag");
  auto incoming = chat.bob_ws->read_json(expected_frame_timeout);
  REQUIRE(incoming);
  CHECK(string_member(*incoming, "content") == "in three parts");
}

TEST_CASE("fragments that add up to more than --max-frame-bytes get a 1009 "
          "close and store nothing") {
  chat_pair chat{{"--max-frame-bytes", "1024"}};
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  auto frame = message_frame(chat.bob.id, std::string(1500, 'f'));
  auto half = frame.size() / 2;
  raw.send_frame(text_opcode, frame.substr(0, half), false);
  raw.send_frame(continuation_opcode, frame.substr(half, 100), false);
  raw.send_frame(continuation_opcode, frame.substr(half + 100));
  CHECK(close_code_of(raw) == message_too_big);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a continuation frame with nothing to continue gets a 1002 close") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(continuation_opcode, message_frame(chat.bob.id, "orphan"));
  CHECK(close_code_of(raw) == protocol_error);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a new message inside a fragmented one gets a 1002 close") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  auto frame = message_frame(chat.bob.id, "interrupted");
  raw.send_frame(text_opcode, frame.substr(0, 10), false);
  raw.send_frame(text_opcode, frame);
  CHECK(close_code_of(raw) == protocol_error);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("an unmasked client frame gets a 1002 close") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(text_opcode, message_frame(chat.bob.id, "bare"), true, false);
  CHECK(close_code_of(raw) == protocol_error);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("reserved opcodes and oversized or fragmented control frames get "
          "a 1002 close") {
  chat_pair chat;
  auto check_fails = [&](int opcode, const std::string& payload, bool final) {
    CAPTURE(opcode);
    CAPTURE(payload.size());
    raw_ws_connection raw{chat.node.port(), chat.alice.token};
    raw.send_frame(opcode, payload, final);
    CHECK(close_code_of(raw) == protocol_error);
  };
  check_fails(3, "{}", true);
  check_fails(11, "{}", true);
  check_fails(ping_opcode, std::string(126, 'p'), true);
  check_fails(ping_opcode, "split", false);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a ping gets a pong with the same payload and the connection stays "
          "open") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(ping_opcode, "hello?");
  auto pong = raw.read_frame(expected_frame_timeout);
  REQUIRE(pong);
  CHECK(pong->opcode == pong_opcode);
  CHECK(pong->payload == "hello?");
  raw.send_frame(text_opcode, R"({"type":"sync","after_id":0})");
  auto done = raw.read_frame(expected_frame_timeout);
  REQUIRE(done);
  CHECK(string_member(parse_json(done->payload), "type") == "sync_complete");
}

TEST_CASE("a client's close frame is answered with a close frame") {
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(close_opcode, std::string("\x03\xE8", 2) + "bye");
  auto answer = raw.read_frame(expected_frame_timeout);
  REQUIRE(answer);
  CHECK(answer->opcode == close_opcode);
  CHECK(answer->close_code() == 1000);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("outbound frames carry 7-, 16- and 64-bit lengths, several to one "
          "send, in order") {
  // Lengths around the RFC 6455 boundaries (125/126 and 65535/65536 bytes
  // of payload); bob's frames are written by the node's own framing.
  chat_pair chat{
      {"--max-content-bytes", "200000", "--max-frame-bytes", "300000"}};
  const std::vector<std::size_t> sizes{1, 30, 40, 1000, 65400, 65600, 70000};
  for (std::size_t i = 0; i < sizes.size(); ++i)
    chat.alice_ws->send_text(message_frame(
        chat.bob.id, std::string(sizes[i], static_cast<char>('a' + i))));
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto incoming = chat.bob_ws->read_json(expected_frame_timeout);
    REQUIRE(incoming);
    CHECK(string_member(*incoming, "type") == "incoming_message");
    CHECK(string_member(*incoming, "content") ==
          std::string(sizes[i], static_cast<char>('a' + i)));
  }
}
