// Tests of the server frame encoders: exact shapes, key order, escaping and
// round trips through RapidJSON.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "proto/json/client_frame.hpp"
#include "proto/json/server_frame.hpp"
#include "tests/proto/json/parsed_output.hpp"

using parley::chat_message;
using parley::error_code;
using parley::test::int_member;
using parley::test::keys_of;
using parley::test::parse_output;
using parley::test::string_member;
using strings = std::vector<std::string>;

namespace {

// Everything a writer must escape or pass through, in one string.
const std::string tricky_content = std::string{"quote\" back\\slash /slash "} +
                                   "nl\n cr\r tab\t bell\x07 del\x7F nul" +
                                   std::string(1, '\0') +
                                   " \xC3\xA9 \xF0\x9F\x98\x80 </script>";

chat_message sample_message() {
  chat_message msg;
  msg.id = 9001;
  msg.sender_id = 12;
  msg.sender_username = "alice";
  msg.recipient_id = 34;
  msg.content = "hello";
  msg.client_msg_id = "c-77";
  msg.sent_at_ms = 1795639633123;
  return msg;
}

} // namespace

TEST_CASE("incoming_message has its members in the documented order") {
  auto text = parley::json::encode_incoming_message(sample_message());
  CHECK(text == R"({"type":"incoming_message","id":9001,"sender_id":12,)"
                R"("sender_username":"alice","content":"hello",)"
                R"("sent_at":"2026-11-25T20:47:13.123Z"})");
}

TEST_CASE("message_sent carries client_msg_id only when there is one") {
  auto msg = sample_message();
  auto with_id = parse_output(parley::json::encode_message_sent(msg));
  CHECK(keys_of(with_id) ==
        strings{"type", "id", "recipient_id", "client_msg_id", "sent_at"});
  CHECK(string_member(with_id, "type") == "message_sent");
  CHECK(int_member(with_id, "id") == 9001);
  CHECK(int_member(with_id, "recipient_id") == 34);
  CHECK(string_member(with_id, "client_msg_id") == "c-77");
  CHECK(string_member(with_id, "sent_at") == "2026-11-25T20:47:13.123Z");
  msg.client_msg_id.clear();
  auto without_id = parse_output(parley::json::encode_message_sent(msg));
  CHECK(keys_of(without_id) ==
        strings{"type", "id", "recipient_id", "sent_at"});
}

TEST_CASE("outgoing_message names the recipient and carries the content") {
  auto doc =
      parse_output(parley::json::encode_outgoing_message(sample_message()));
  CHECK(keys_of(doc) ==
        strings{"type", "id", "recipient_id", "content", "sent_at"});
  CHECK(string_member(doc, "type") == "outgoing_message");
  CHECK(int_member(doc, "id") == 9001);
  CHECK(int_member(doc, "recipient_id") == 34);
  CHECK(string_member(doc, "content") == "hello");
  CHECK(string_member(doc, "sent_at") == "2026-11-25T20:47:13.123Z");
}

TEST_CASE("sync_complete carries the last id, including extremes") {
  CHECK(parley::json::encode_sync_complete(0) ==
        R"({"type":"sync_complete","last_id":0})");
  auto doc = parse_output(parley::json::encode_sync_complete(INT64_MAX));
  CHECK(keys_of(doc) == strings{"type", "last_id"});
  CHECK(int_member(doc, "last_id") == INT64_MAX);
}

TEST_CASE("error frames use the wire code and echo a client_msg_id") {
  auto doc = parse_output(parley::json::encode_error_frame(
      error_code::content_too_large, "too big", "c-9"));
  CHECK(keys_of(doc) == strings{"type", "code", "message", "client_msg_id"});
  CHECK(string_member(doc, "type") == "error");
  CHECK(string_member(doc, "code") == "content_too_large");
  CHECK(string_member(doc, "message") == "too big");
  CHECK(string_member(doc, "client_msg_id") == "c-9");
  CHECK(parley::json::encode_error_frame(error_code::invalid_json, "bad") ==
        R"({"type":"error","code":"invalid_json","message":"bad"})");
}

TEST_CASE("tricky content survives every encoder byte for byte") {
  auto msg = sample_message();
  msg.content = tricky_content;
  msg.sender_username = "a\"b\\c";
  auto incoming = parse_output(parley::json::encode_incoming_message(msg));
  CHECK(string_member(incoming, "content") == tricky_content);
  CHECK(string_member(incoming, "sender_username") == "a\"b\\c");
  auto outgoing = parse_output(parley::json::encode_outgoing_message(msg));
  CHECK(string_member(outgoing, "content") == tricky_content);
  auto error = parse_output(
      parley::json::encode_error_frame(error_code::internal, tricky_content));
  CHECK(string_member(error, "message") == tricky_content);
}

TEST_CASE("control characters are escaped and the output is one line") {
  auto msg = sample_message();
  msg.content = tricky_content;
  auto text = parley::json::encode_incoming_message(msg);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find(R"(\u0000)") != std::string::npos);
  CHECK(text.find(R"(\n)") != std::string::npos);
  CHECK(text.find(R"(\")") != std::string::npos);
  // Valid UTF-8 is written as is, not as \u escapes.
  CHECK(text.find("\xF0\x9F\x98\x80") != std::string::npos);
}

TEST_CASE("a string literal written by the server decodes to the same bytes") {
  // A client quoting a received message back sends the very same literal.
  auto msg = sample_message();
  msg.content = "re: \"hi\" \\ \t \x01 \xF0\x9F\x98\x80";
  auto text = parley::json::encode_outgoing_message(msg);
  auto begin = text.find(R"("content":)") + std::string{R"("content":)"}.size();
  auto end = text.find(R"(,"sent_at")");
  REQUIRE(end != std::string::npos);
  auto literal = text.substr(begin, end - begin);
  auto frame = parley::json::decode_client_frame(
      R"({"type":"private_message","recipient_id":34,"content":)" + literal +
      "}");
  auto* decoded = std::get_if<parley::json::private_message_frame>(&frame);
  REQUIRE(decoded != nullptr);
  CHECK(decoded->content == msg.content);
}
