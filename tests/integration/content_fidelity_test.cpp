// Content is stored and returned byte for byte, on both backends: live
// delivery, the history API and both ways of resuming show exactly what
// the sender wrote, however it looks. An escaped NUL is refused clearly.
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_pair.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Contents that break naive escaping, quoting, encoding or trimming.
std::vector<std::string> awkward_contents() {
  // 4096 bytes alternating a 4-byte emoji with characters JSON escapes.
  std::string long_mixed;
  for (int i = 0; long_mixed.size() + 4 <= 4096; ++i)
    long_mixed += i % 2 == 0 ? "\xF0\x9F\x98\x80" : "\"\\\n";
  long_mixed.append(4096 - long_mixed.size(), 'z');
  return {
      R"(she said "hi" and 'bye')",
      R"(C:\path\to\file \n is not a newline \u0041 \\)",
      "line one\nline two\r\n\ttabbed\tcolumns\x0B\x0C",
      "controls \x01\x02\x1B[31m\x1F\x7F end",
      "emoji \xF0\x9F\x98\x80 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD clef "
      "\xF0\x9D\x84\x9E cjk \xF0\xA0\x9C\x8E max \xF4\x8F\xBF\xBF",
      // A family emoji joined by ZERO WIDTH JOINERs, and combining marks.
      "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91"
      "\xA7 e\xCC\x81 n\xCC\x83",
      // Hebrew and Arabic with RIGHT-TO-LEFT MARK and an override.
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\x8F\xD8\xB9\xD8\xB1\xD8\xA8"
      "\xD9\x8A \xE2\x80\xAEreversed\xE2\x80\xAC",
      "'); DROP TABLE messages; --",
      "Robert'); DELETE FROM users WHERE ('1'='1",
      R"({"type":"private_message","recipient_id":1,"content":"nested"})",
      R"(["json", {"looking": true}, null, 1.5e10])",
      "%s%n%d %x {} ${HOME} $(id) `id` <script>alert(1)</script>",
      "  leading and trailing spaces  ",
      " ",
      "\xEF\xBB\xBF"
      "BOM first, then U+2028\xE2\x80\xA8 and U+2029\xE2\x80\xA9",
      "non-characters \xEF\xBF\xBE\xEF\xBF\xBF",
      std::string(4096, 'x'),
      long_mixed,
  };
}

/// The contents by message id, in the order `messages` lists them.
std::map<std::int64_t, std::string>
by_id(const std::vector<seen_message>& messages) {
  std::map<std::int64_t, std::string> result;
  for (const auto& message : messages)
    result[message.id] = message.content;
  return result;
}

/// Checks that `seen` holds exactly the messages `sent` (id → content),
/// each of type `type`.
void check_same(const std::vector<seen_message>& seen,
                const std::map<std::int64_t, std::string>& sent,
                const std::string& type) {
  CAPTURE(type);
  REQUIRE(seen.size() == sent.size());
  for (const auto& message : seen) {
    CAPTURE(message.id);
    CHECK(message.type == type);
    REQUIRE(sent.count(message.id) == 1);
    CHECK(message.content == sent.at(message.id));
  }
  CHECK(by_id(seen).size() == sent.size());
}

} // namespace

TEST_CASE("awkward content is stored and returned byte for byte everywhere") {
  chat_pair chat;
  std::map<std::int64_t, std::string> sent;
  auto contents = awkward_contents();
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const auto& content = contents[i];
    CAPTURE(i);
    REQUIRE(content.size() <= 4096);
    chat.alice_ws->send_text(
        message_frame(chat.bob.id, content, "f" + std::to_string(i)));
    auto ack = chat.alice_ws->read_json(expected_frame_timeout);
    REQUIRE(ack);
    REQUIRE(string_member(*ack, "type") == "message_sent");
    auto incoming = chat.bob_ws->read_json(expected_frame_timeout);
    REQUIRE(incoming);
    CHECK(string_member(*incoming, "type") == "incoming_message");
    CHECK(string_member(*incoming, "content") == content);
    CHECK(int_member(*incoming, "id") == int_member(*ack, "id"));
    sent[*int_member(*ack, "id")] = content;
  }
  check_same(full_history(chat.node.port(), chat.bob.token, chat.alice.id),
             sent, "history");
  check_same(full_history(chat.node.port(), chat.alice.token, chat.bob.id),
             sent, "history");
  auto bob_resume = chat.connect(chat.bob, "?since=0");
  check_same(read_replay(*bob_resume), sent, "incoming_message");
  auto alice_resume = chat.connect(chat.alice, "?since=0");
  check_same(read_replay(*alice_resume), sent, "outgoing_message");
  chat.bob_ws->send_text(R"({"type":"sync","after_id":0})");
  check_same(read_replay(*chat.bob_ws), sent, "incoming_message");
}

TEST_CASE("escaped characters are stored as the UTF-8 they stand for") {
  chat_pair chat;
  chat.alice_ws->send_text(
      R"({"type":"private_message","recipient_id":)" +
      std::to_string(chat.bob.id) +
      R"(,"content":"\u00e9\ud83d\ude00\u2028\"\\\/\b\f\n\r\t\u0001"})");
  const std::string expected =
      "\xC3\xA9\xF0\x9F\x98\x80\xE2\x80\xA8\"\\/\b\f\n\r\t\x01";
  auto incoming = chat.bob_ws->read_json(expected_frame_timeout);
  REQUIRE(incoming);
  CHECK(string_member(*incoming, "content") == expected);
  auto history = full_history(chat.node.port(), chat.bob.token, chat.alice.id);
  REQUIRE(history.size() == 1);
  CHECK(history[0].content == expected);
}

TEST_CASE("content with an escaped NUL gets invalid_content, never internal") {
  chat_pair chat;
  for (std::string content : {R"("a\u0000b")", R"("\u0000")",
                              R"("trailing\u0000")", R"("\u0000\u0000\u0000")"})
    check_error_reply(*chat.alice_ws,
                      R"({"type":"private_message","recipient_id":)" +
                          std::to_string(chat.bob.id) + R"(,"content":)" +
                          content + R"(,"client_msg_id":"nul"})",
                      "invalid_content", "nul");
  chat.check_only_markers_stored(*chat.alice_ws);
}

TEST_CASE("the id of a refused NUL message can be used again") {
  chat_pair chat;
  check_error_reply(*chat.alice_ws,
                    R"({"type":"private_message","recipient_id":)" +
                        std::to_string(chat.bob.id) +
                        R"(,"content":"a\u0000b","client_msg_id":"n1"})",
                    "invalid_content", "n1");
  chat.alice_ws->send_text(message_frame(chat.bob.id, "a b", "n1"));
  auto ack = chat.alice_ws->read_json(expected_frame_timeout);
  REQUIRE(ack);
  CHECK(string_member(*ack, "type") == "message_sent");
  auto history = full_history(chat.node.port(), chat.bob.token, chat.alice.id);
  REQUIRE(history.size() == 1);
  CHECK(history[0].content == "a b");
}
