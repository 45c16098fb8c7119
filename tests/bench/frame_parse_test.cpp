// Server frames of both dialects are read member by member, and anything
// else is rejected without a crash.
#include <string>

#include <doctest/doctest.h>

#include "bench/frame_parse.hpp"

namespace {

using namespace parley::bench;

server_frame parse(const std::string& text, bool expect_ok = true) {
  frame_parser parser;
  server_frame frame;
  CHECK(parser.parse(text, frame) == expect_ok);
  return frame;
}

} // namespace

TEST_CASE("a Parley incoming_message yields sender and content") {
  auto f = parse(R"({"type":"incoming_message","id":789,"sender_id":456,)"
                 R"("sender_username":"Alice","content":"Hi Bob!",)"
                 R"("sent_at":"2026-11-25T20:47:13.123Z"})");
  CHECK(f.type == frame_type::incoming_message);
  CHECK(f.has_sender_id);
  CHECK(f.sender_id == 456);
  CHECK(f.sender_username == "Alice");
  CHECK(f.content == "Hi Bob!");
  CHECK_FALSE(f.has_recipient_id);
  CHECK(f.has_id);
  CHECK(f.id == 789);
}

TEST_CASE("a seed incoming_message without id or time is read the same") {
  auto f = parse(R"({"type":"incoming_message","sender_id":3,)"
                 R"("sender_username":"bob","content":"x"})");
  CHECK(f.type == frame_type::incoming_message);
  CHECK(f.sender_id == 3);
  CHECK(f.content == "x");
  CHECK_FALSE(f.has_id);
}

TEST_CASE("message_sent yields the recipient, error frames their code") {
  auto ack = parse(R"({"type":"message_sent","id":9,"recipient_id":12,)"
                   R"("sent_at":"2026-01-01T00:00:00.000Z"})");
  CHECK(ack.type == frame_type::message_sent);
  CHECK(ack.has_recipient_id);
  CHECK(ack.recipient_id == 12);
  auto err = parse(R"({"type":"error","code":"unavailable","message":"m"})");
  CHECK(err.type == frame_type::error);
  CHECK(err.code == "unavailable");
}

TEST_CASE("escapes in strings are decoded and members may come in any order") {
  auto f = parse(R"( { "content" : "a\"b\\c\u00e9\n", "sender_id" : 1 ,)"
                 R"( "type" : "incoming_message" } )");
  CHECK(f.type == frame_type::incoming_message);
  CHECK(f.content == "a\"b\\c\xc3\xa9\n");
}

TEST_CASE("other types are kept by name; a missing type is other too") {
  CHECK(parse(R"({"type":"outgoing_message","id":1})").type_name ==
        "outgoing_message");
  CHECK(parse(R"({"type":"outgoing_message"})").type == frame_type::other);
  auto untyped = parse(R"({"id":1})");
  CHECK(untyped.type == frame_type::other);
  CHECK(untyped.type_name.empty());
}

TEST_CASE("nested members do not count as top-level ones") {
  auto f = parse(R"({"type":"sync_complete","x":{"type":"incoming_message",)"
                 R"("content":"no","sender_id":5},"y":[{"content":"no"}]})");
  CHECK(f.type == frame_type::other);
  CHECK_FALSE(f.has_content);
  CHECK_FALSE(f.has_sender_id);
}

TEST_CASE("an id that is no integer, or one too large, is not an id") {
  CHECK_FALSE(parse(R"({"type":"incoming_message","id":"7"})").has_id);
  CHECK_FALSE(parse(R"({"type":"incoming_message","id":7.5})").has_id);
  CHECK_FALSE(parse(R"({"type":"incoming_message","x":{"id":7}})").has_id);
  auto huge = parse(R"({"type":"incoming_message","id":18446744073709551615})");
  CHECK(huge.id < 0); // the tool never acks a negative id
}

TEST_CASE("members of the wrong JSON type are ignored") {
  auto f = parse(R"({"type":"incoming_message","sender_id":"5",)"
                 R"("content":7,"sender_username":null})");
  CHECK(f.type == frame_type::incoming_message);
  CHECK_FALSE(f.has_sender_id);
  CHECK_FALSE(f.has_content);
  CHECK_FALSE(f.has_sender_username);
}

TEST_CASE("anything but one JSON object is invalid") {
  for (auto bad : {"", "[]", "\"incoming_message\"", "42", "null",
                   R"({"type":"error")", R"({"type":"error"} x)",
                   R"({"type":"error"}{})", "{'type':'error'}", "\xff"}) {
    CAPTURE(bad);
    auto f = parse(bad, false);
    CHECK(f.type == frame_type::invalid);
  }
}

TEST_CASE("deep nesting is rejected without exhausting the stack") {
  std::string deep = R"({"type":"x","a":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  CHECK(parse(deep, false).type == frame_type::invalid);
}

TEST_CASE("a reused parser forgets the previous frame's members") {
  frame_parser parser;
  server_frame frame;
  REQUIRE(parser.parse(R"({"type":"incoming_message","sender_id":1,)"
                       R"("sender_username":"a","content":"c"})",
                       frame));
  REQUIRE(parser.parse(R"({"type":"message_sent","recipient_id":2})", frame));
  CHECK_FALSE(frame.has_id);
  CHECK_FALSE(frame.has_sender_id);
  CHECK_FALSE(frame.has_content);
  CHECK(frame.content.empty());
  CHECK(frame.recipient_id == 2);
  CHECK_FALSE(parser.parse("nope", frame));
  CHECK_FALSE(frame.has_recipient_id);
}

TEST_CASE("a frame read in pieces of every split is still one frame") {
  // The parser sees whole messages only; a truncated one must not pass.
  std::string text = R"({"type":"incoming_message","sender_id":1,)"
                     R"("sender_username":"a","content":"c"})";
  frame_parser parser;
  server_frame frame;
  for (std::size_t n = 0; n < text.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(parser.parse(text.substr(0, n), frame));
  }
  CHECK(parser.parse(text, frame));
}
