// Hostile and malformed WebSocket frames against a real node: each one is
// answered by an error frame with the README's code, the connection stays
// open, and nothing is stored (a marker message sent afterwards is the only
// thing bob receives and the only thing a full replay shows).
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_pair.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/repeated_text.hpp"

using namespace parley::testing;

namespace {

/// A private_message frame whose recipient_id is the raw JSON `recipient`.
std::string to_raw_recipient(const std::string& recipient,
                             const std::string& extra = {}) {
  return R"({"type":"private_message","recipient_id":)" + recipient +
         R"(,"content":"hello")" + extra + "}";
}

/// A private_message frame to `recipient` whose content is the raw JSON
/// `content`, or no content member when it is empty.
std::string with_raw_content(std::int64_t recipient, const std::string& content,
                             const std::string& extra = {}) {
  auto frame = R"({"type":"private_message","recipient_id":)" +
               std::to_string(recipient);
  if (!content.empty()) frame += R"(,"content":)" + content;
  return frame + extra + "}";
}

/// Sends `content` from alice to bob and checks that it is acknowledged and
/// arrives byte for byte.
void check_delivered(chat_pair& chat, const std::string& content) {
  INFO("content bytes: " << content.size());
  check_delivered(*chat.alice_ws, *chat.bob_ws,
                  message_frame(chat.bob.id, content), content);
}

const std::string euro = "\xE2\x82\xAC";         // U+20AC, 3 bytes
const std::string e_acute = "\xC3\xA9";          // U+00E9, 2 bytes
const std::string grinning = "\xF0\x9F\x98\x80"; // U+1F600, 4 bytes

} // namespace

TEST_CASE("text that is not JSON gets invalid_json and stores nothing") {
  chat_pair chat;
  const std::vector<std::string> frames{
      "{not json",
      "",
      "   ",
      R"({"type":"private_message")",
      R"({"type":"private_message",})",
      R"({'type':'sync','after_id':0})",
      R"({"type":"sync","after_id":01})",
      R"({"type":"sync","after_id":0}{"type":"sync","after_id":0})",
      R"({"type":"sync","after_id":0} trailing)",
      "nul",
      R"("\ud800")",
      R"({"type":"private_message","recipient_id":2,"content":"\ud83d"})",
      R"({"type":"private_message","recipient_id":2,"content":"\x41"})",
  };
  for (const auto& frame : frames)
    check_error_reply(*chat.alice_ws, frame, "invalid_json");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("JSON that is not an object gets not_an_object") {
  chat_pair chat;
  for (std::string frame :
       {"[]", R"([{"type":"sync","after_id":0}])", "42", "-1.5",
        R"("private_message")", "null", "true", "false"})
    check_error_reply(*chat.alice_ws, frame, "not_an_object");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("an object without a string type gets missing_type") {
  chat_pair chat;
  auto bob = std::to_string(chat.bob.id);
  for (const auto& frame : std::vector<std::string>{
           "{}", R"({"recipient_id":)" + bob + R"(,"content":"x"})",
           R"({"type":5,"recipient_id":)" + bob + R"(,"content":"x"})",
           R"({"type":null})", R"({"type":true})",
           R"({"type":["private_message"]})",
           R"({"type":{"name":"private_message"}})",
           R"({"TYPE":"private_message","recipient_id":)" + bob +
               R"(,"content":"x"})"})
    check_error_reply(*chat.alice_ws, frame, "missing_type");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a type that names no client frame gets unknown_type") {
  chat_pair chat;
  auto bob = std::to_string(chat.bob.id);
  auto rest = R"(,"recipient_id":)" + bob + R"(,"content":"x"})";
  for (std::string type :
       {"hello", "", "PRIVATE_MESSAGE", "private_message ", "private-message",
        "private_message\\u0000", "incoming_message", "message_sent"})
    check_error_reply(*chat.alice_ws, R"({"type":")" + type + "\"" + rest,
                      "unknown_type");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("an unknown type is not echoed back at length") {
  chat_pair chat;
  chat.alice_ws->send_text(R"({"type":")" + std::string(10'000, 'x') + R"("})");
  auto reply = chat.alice_ws->read_json(expected_frame_timeout);
  REQUIRE(reply);
  CHECK(string_member(*reply, "code") == "unknown_type");
  CHECK(string_member(*reply, "message").value_or("").size() < 200);
}

TEST_CASE("a recipient_id that is not a positive 64-bit integer gets "
          "invalid_recipient") {
  chat_pair chat;
  auto bob = std::to_string(chat.bob.id);
  check_error_reply(*chat.alice_ws,
                    R"({"type":"private_message","content":"x"})",
                    "invalid_recipient");
  for (const auto& recipient : std::vector<std::string>{
           "\"" + bob + "\"", "\"5\"", "1.5", bob + ".0", bob + "e0", "1e2",
           "-1", "0", "-0", "-9223372036854775808", "9223372036854775808",
           "18446744073709551615", "18446744073709551616",
           "100000000000000000000000", "1e300", "null", "true", "[" + bob + "]",
           R"({"id":)" + bob + "}"})
    check_error_reply(*chat.alice_ws, to_raw_recipient(recipient),
                      "invalid_recipient");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a well-formed recipient_id that names no user gets "
          "unknown_recipient") {
  chat_pair chat;
  for (const auto& recipient : std::vector<std::string>{
           "999999", "9223372036854775807", std::to_string(chat.bob.id + 1)})
    check_error_reply(*chat.alice_ws, to_raw_recipient(recipient),
                      "unknown_recipient");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("content that is missing, not a string or empty gets "
          "invalid_content") {
  chat_pair chat;
  for (std::string content : {"", "5", "null", "true", "[]", "{}", "[\"x\"]",
                              R"({"text":"x"})", R"("")"})
    check_error_reply(*chat.alice_ws, with_raw_content(chat.bob.id, content),
                      "invalid_content");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("content of exactly 4096 bytes is accepted, also when multibyte") {
  chat_pair chat;
  check_delivered(chat, std::string(4096, 'a'));
  check_delivered(chat, repeat(grinning, 1024));
  check_delivered(chat, repeat(e_acute, 2048));
  check_delivered(chat, repeat(euro, 1365) + "a");
}

TEST_CASE("content over 4096 bytes of UTF-8 gets content_too_large") {
  chat_pair chat;
  // Bytes count, not characters: 1025 emoji are 4100 bytes.
  for (const auto& content :
       {std::string(4097, 'a'), repeat(grinning, 1024) + "a",
        repeat(grinning, 1025), repeat(e_acute, 2048) + "a", repeat(euro, 1366),
        std::string(60'000, 'a')})
    check_error_reply(*chat.alice_ws, message_frame(chat.bob.id, content),
                      "content_too_large");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("--max-content-bytes 10 accepts 10 bytes and refuses 11") {
  chat_pair chat{{"--max-content-bytes", "10"}};
  check_delivered(chat, "0123456789");
  check_delivered(chat, repeat(e_acute, 5));
  check_delivered(chat, grinning + grinning + e_acute);
  for (const auto& content :
       {std::string("01234567890"), repeat(e_acute, 5) + "a",
        repeat(grinning, 3), std::string(4096, 'a')})
    check_error_reply(*chat.alice_ws, message_frame(chat.bob.id, content),
                      "content_too_large");
}

TEST_CASE("a client_msg_id that is not a 1-64 byte string without control "
          "characters gets invalid_client_msg_id and is not echoed") {
  chat_pair chat;
  auto bob = chat.bob.id;
  for (const auto& id : std::vector<std::string>{
           json_string(std::string(65, 'x')), json_string(repeat(euro, 22)),
           R"("")", "5", "null", "true", "[]", "{}", R"(["k1"])",
           R"("a\u0000b")", R"("\u001fserver-like")", R"("tab\there")"})
    check_error_reply(
        *chat.alice_ws,
        with_raw_content(bob, R"("x")", ",\"client_msg_id\":" + id),
        "invalid_client_msg_id");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("client_msg_ids of 64 bytes are accepted and echoed byte for byte") {
  chat_pair chat;
  for (const auto& id : {std::string(64, 'k'), repeat(grinning, 16)}) {
    chat.alice_ws->send_text(message_frame(chat.bob.id, "hi", id));
    auto ack = chat.alice_ws->read_json(expected_frame_timeout);
    REQUIRE(ack);
    CHECK(string_member(*ack, "type") == "message_sent");
    CHECK(string_member(*ack, "client_msg_id") == id);
  }
}

TEST_CASE("a valid client_msg_id is echoed in the error of an otherwise bad "
          "frame") {
  chat_pair chat;
  auto bob = chat.bob.id;
  const std::string id = R"(,"client_msg_id":"k-1")";
  auto& ws = *chat.alice_ws;
  check_error_reply(ws, R"({"client_msg_id":"k-1"})", "missing_type", "k-1");
  check_error_reply(ws, R"({"type":7,"client_msg_id":"k-1"})", "missing_type",
                    "k-1");
  check_error_reply(ws, R"({"type":"nope","client_msg_id":"k-1"})",
                    "unknown_type", "k-1");
  check_error_reply(ws, to_raw_recipient("\"5\"", id), "invalid_recipient",
                    "k-1");
  check_error_reply(ws, to_raw_recipient("999999", id), "unknown_recipient",
                    "k-1");
  check_error_reply(ws, with_raw_content(bob, "", id), "invalid_content",
                    "k-1");
  check_error_reply(ws, with_raw_content(bob, R"("a\u0000b")", id),
                    "invalid_content", "k-1");
  check_error_reply(ws, message_frame(bob, std::string(4097, 'a'), "k-1"),
                    "content_too_large", "k-1");
  check_error_reply(ws,
                    R"({"type":"sync","after_id":-1,"client_msg_id":"k-1"})",
                    "invalid_after_id", "k-1");
  chat.check_only_markers_stored(ws);
}

TEST_CASE("a resend of a client_msg_id first used in a bad frame is stored") {
  // The refusal must not have reserved the id.
  chat_pair chat;
  check_error_reply(*chat.alice_ws,
                    message_frame(chat.bob.id, std::string(4097, 'a'), "k-2"),
                    "content_too_large", "k-2");
  check_delivered(*chat.alice_ws, *chat.bob_ws,
                  message_frame(chat.bob.id, "fixed", "k-2"), "fixed");
}

TEST_CASE("a sync frame without a non-negative integer after_id gets "
          "invalid_after_id") {
  chat_pair chat;
  for (std::string after :
       {"", R"(,"after_id":"5")", R"(,"after_id":-1)", R"(,"after_id":1.5)",
        R"(,"after_id":null)", R"(,"after_id":true)", R"(,"after_id":[0])",
        R"(,"after_id":9223372036854775808)", R"(,"after_id":1e3)"})
    check_error_reply(*chat.alice_ws, R"({"type":"sync")" + after + "}",
                      "invalid_after_id");
  // The control: a good sync on the same connection still works.
  chat.alice_ws->send_text(R"({"type":"sync","after_id":0})");
  auto done = chat.alice_ws->read_json(expected_frame_timeout);
  REQUIRE(done);
  CHECK(string_member(*done, "type") == "sync_complete");
  CHECK(int_member(*done, "last_id") == 0);
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("a hundred pipelined bad frames get a hundred errors in order") {
  chat_pair chat;
  constexpr int frames = 100;
  for (int i = 0; i < frames; ++i)
    chat.alice_ws->send_text(with_raw_content(
        chat.bob.id, "", R"(,"client_msg_id":"b)" + std::to_string(i) + "\""));
  for (int i = 0; i < frames; ++i) {
    auto reply = chat.alice_ws->read_json(expected_frame_timeout);
    REQUIRE(reply);
    CHECK(string_member(*reply, "code") == "invalid_content");
    CHECK(string_member(*reply, "client_msg_id") == "b" + std::to_string(i));
  }
  chat.check_only_markers_stored(*chat.alice_ws);
}
