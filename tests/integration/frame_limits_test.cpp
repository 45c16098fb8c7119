// Frames that attack the connection rather than the protocol: binary
// frames, frames over --max-frame-bytes, deeply nested JSON and text that
// is not UTF-8. The node answers or closes as the README says and keeps
// serving everyone else.
#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_pair.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/repeated_text.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// The default --max-frame-bytes (64 KiB).
constexpr std::size_t default_max_frame_bytes = 64 * 1024;

/// How long bob's message may take while alice's hostile frames are being
/// handled: a node that parses them on a shared thread for seconds fails.
constexpr auto other_user_latency_bound = 2s;

/// WebSocket opcodes (RFC 6455 section 5.2).
constexpr int text_opcode = 1;

/// Sends `frame` as text on a new connection of alice's, framed by hand,
/// and returns the close code of the node's answer: the first frame that
/// arrives, which must be a close frame. A hand-made client sees the close
/// frame even when the node resets the TCP connection right after it.
std::optional<int> close_after(const chat_pair& chat,
                               const std::string& frame) {
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(text_opcode, frame); // the node may hang up mid-frame
  auto answer = raw.read_frame(expected_frame_timeout);
  if (!answer) return std::nullopt;
  INFO("opcode " << answer->opcode);
  CHECK(answer->opcode == 8);
  return answer->close_code();
}

/// A valid private message to `recipient`, padded with JSON whitespace to
/// exactly `bytes` bytes.
std::string padded_message(std::int64_t recipient, std::size_t bytes) {
  auto frame = message_frame(recipient, "padded");
  frame.insert(1, std::string(bytes - frame.size(), ' '));
  return frame;
}

/// Sends every frame from alice, then a message from bob to alice, and
/// checks that bob's acknowledgement comes quickly, that alice gets one
/// error per frame and bob's message, and that nothing else was stored.
void check_refused_while_others_served(chat_pair& chat,
                                       const std::vector<std::string>& frames) {
  for (const auto& frame : frames)
    chat.alice_ws->send_text(frame);
  auto started = std::chrono::steady_clock::now();
  chat.bob_ws->send_text(message_frame(chat.alice.id, "still served"));
  auto ack = chat.bob_ws->read_json(expected_frame_timeout);
  auto latency = std::chrono::steady_clock::now() - started;
  REQUIRE(ack);
  CHECK(string_member(*ack, "type") == "message_sent");
  CHECK(latency < other_user_latency_bound);
  std::size_t errors = 0;
  bool incoming = false;
  while (errors < frames.size() || !incoming) {
    auto frame = chat.alice_ws->read_json(expected_frame_timeout);
    REQUIRE(frame);
    auto type = string_member(*frame, "type");
    if (type == "incoming_message") {
      CHECK(string_member(*frame, "content") == "still served");
      incoming = true;
      continue;
    }
    REQUIRE(type == "error");
    auto code = string_member(*frame, "code").value_or("");
    INFO("code: " << code);
    CHECK((code == "invalid_json" || code == "not_an_object" ||
           code == "missing_type"));
    ++errors;
  }
  chat.check_only_markers_stored(*chat.alice_ws);
}

} // namespace

TEST_CASE("binary frames get binary_frame and the connection stays open") {
  chat_pair chat;
  for (const auto& data :
       {message_frame(chat.bob.id, "binary"), std::string{},
        std::string("\x00\xFF\xFE\x01", 4), std::string(4096, '\xAB')}) {
    chat.alice_ws->send_binary(data);
    auto reply = chat.alice_ws->read_json(expected_frame_timeout);
    REQUIRE(reply);
    CHECK(string_member(*reply, "type") == "error");
    CHECK(string_member(*reply, "code") == "binary_frame");
    CHECK_FALSE(string_member(*reply, "message").value_or("").empty());
  }
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a frame of exactly --max-frame-bytes is read") {
  chat_pair chat;
  chat.alice_ws->send_text(
      padded_message(chat.bob.id, default_max_frame_bytes));
  auto ack = chat.alice_ws->read_json(expected_frame_timeout);
  REQUIRE(ack);
  CHECK(string_member(*ack, "type") == "message_sent");
}

TEST_CASE("a frame over 64 KiB gets a 1009 close, stores nothing and the "
          "node keeps serving") {
  chat_pair chat;
  CHECK(close_after(chat, padded_message(chat.bob.id,
                                         default_max_frame_bytes + 1)) == 1009);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a frame far over 64 KiB gets a 1009 close") {
  chat_pair chat;
  CHECK(close_after(chat, std::string(1024 * 1024, '[')) == 1009);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("with --max-frame-bytes 1024 a 2 KiB frame gets a 1009 close and "
          "a 1024-byte frame is read") {
  chat_pair chat{{"--max-frame-bytes", "1024"}};
  check_delivered(*chat.alice_ws, *chat.bob_ws,
                  padded_message(chat.bob.id, 1024), "padded");
  CHECK(close_after(chat, padded_message(chat.bob.id, 2048)) == 1009);
  CHECK(close_after(chat, padded_message(chat.bob.id, 1025)) == 1009);
  // alice's and bob's other connections are untouched.
  check_delivered(*chat.bob_ws, *chat.alice_ws,
                  message_frame(chat.alice.id, "after"), "after");
}

TEST_CASE("deeply nested JSON inside the frame limit gets an error and "
          "other users are still served quickly") {
  chat_pair chat;
  auto bob = std::to_string(chat.bob.id);
  check_refused_while_others_served(
      chat, {
                std::string(60'000, '['),
                std::string(30'000, '[') + std::string(30'000, ']'),
                repeat(R"({"a":)", 13'000),
                repeat(R"({"a":)", 10'000) + "1" + std::string(10'000, '}'),
                R"({"type":"private_message","recipient_id":)" + bob +
                    R"(,"content":"x","extra":)" + std::string(20'000, '[') +
                    std::string(20'000, ']') + "}",
            });
}

TEST_CASE("100,000 levels of nesting get an error on a node that allows "
          "large frames") {
  chat_pair chat{{"--max-frame-bytes", std::to_string(1024 * 1024)}};
  check_refused_while_others_served(
      chat, {std::string(100'000, '['), repeat(R"({"a":)", 100'000),
             std::string(100'000, '[') + std::string(100'000, ']')});
}

TEST_CASE("a text frame that is not UTF-8 gets invalid_json or a 1007 "
          "close, and the node keeps serving") {
  // RFC 6455 lets the server fail the connection with 1007; the README
  // counts it as invalid_json. Either is fine, a crash or silence is not.
  chat_pair chat;
  raw_ws_connection raw{chat.node.port(), chat.alice.token};
  raw.send_frame(text_opcode, R"({"type":"private_message","recipient_id":)" +
                                  std::to_string(chat.bob.id) +
                                  ",\"content\":\"\xFF\xFE\"}");
  auto reply = raw.read_frame(expected_frame_timeout);
  REQUIRE(reply);
  INFO("opcode " << reply->opcode << ", payload " << reply->payload);
  if (reply->opcode == text_opcode)
    CHECK(string_member(parse_json(reply->payload), "code") == "invalid_json");
  else
    CHECK(reply->close_code() == 1007);
  chat.check_only_markers_stored(*chat.alice_ws);
}
