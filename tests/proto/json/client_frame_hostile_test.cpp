// Tests of decode_client_frame against hostile text: truncation, splits,
// deep nesting, huge numbers, NUL bytes, ill-formed UTF-8 and random bytes.
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "proto/json/client_frame.hpp"
#include "tests/proto/json/decode_helpers.hpp"
#include "tests/support/repeated_text.hpp"

using parley::error_code;
using parley::test::private_message_of;
using parley::test::rejection_of;
using parley::testing::repeat;

namespace {

const std::vector<std::string> valid_frames = {
    R"({"type":"private_message","recipient_id":42,"content":"h\u00e9llo \ud83d\ude00","client_msg_id":"c-1"})",
    R"({"type":"sync","after_id":1234567890123})",
    "{\"type\":\"private_message\",\"recipient_id\":1,\"content\":"
    "\"\xF0\x9F\x98\x80 {[\\\"]}\"}",
};

std::string message_with_content_bytes(const std::string& raw) {
  return R"({"type":"private_message","recipient_id":7,"content":")" + raw +
         "\"}";
}

} // namespace

TEST_CASE("the sample frames are themselves valid") {
  for (const auto& text : valid_frames) {
    CAPTURE(text);
    auto frame = parley::json::decode_client_frame(text);
    CHECK_FALSE(std::holds_alternative<parley::json::rejected_frame>(frame));
  }
}

TEST_CASE("every proper prefix of a valid frame is invalid_json") {
  for (const auto& text : valid_frames)
    for (std::size_t split = 0; split < text.size(); ++split) {
      CAPTURE(text.substr(0, split));
      REQUIRE(rejection_of(text.substr(0, split)).code ==
              error_code::invalid_json);
    }
}

TEST_CASE("every proper suffix of a valid frame is invalid_json") {
  for (const auto& text : valid_frames)
    for (std::size_t split = 1; split < text.size(); ++split) {
      CAPTURE(text.substr(split));
      REQUIRE(rejection_of(text.substr(split)).code ==
              error_code::invalid_json);
    }
}

TEST_CASE("100,000 nested arrays are rejected quickly as too deep") {
  auto start = std::chrono::steady_clock::now();
  auto open_only = rejection_of(std::string(100'000, '['));
  auto balanced =
      rejection_of(std::string(100'000, '[') + std::string(100'000, ']'));
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(open_only.code == error_code::invalid_json);
  CHECK(open_only.message.find("nesting too deep") != std::string::npos);
  CHECK(balanced.code == error_code::invalid_json);
  CHECK(balanced.message.find("nesting too deep") != std::string::npos);
  // The limit stops the parser at level 17, so this is microseconds; the
  // bound is loose only to survive a loaded test machine.
  CHECK(elapsed < std::chrono::seconds{1});
}

TEST_CASE("100,000 nested objects are rejected as too deep") {
  auto rejected = rejection_of(repeat(R"({"a":)", 100'000));
  CHECK(rejected.code == error_code::invalid_json);
  CHECK(rejected.message.find("nesting too deep") != std::string::npos);
  auto inside_frame = rejection_of(R"({"type":"sync","after_id":1,"x":)" +
                                   repeat("[", 100'000));
  CHECK(inside_frame.code == error_code::invalid_json);
}

TEST_CASE("nesting up to the limit is accepted and one more is not") {
  auto depth = parley::limits::max_json_depth;
  // The frame object is level 1; the extra member adds depth - 1 arrays.
  auto nested = [](std::size_t arrays) {
    return R"({"type":"sync","after_id":1,"x":)" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}";
  };
  auto frame = parley::json::decode_client_frame(nested(depth - 1));
  CHECK(std::holds_alternative<parley::json::sync_frame>(frame));
  auto rejected = rejection_of(nested(depth));
  CHECK(rejected.code == error_code::invalid_json);
  CHECK(rejected.message.find("nesting too deep") != std::string::npos);
}

TEST_CASE("numbers too large for a double are invalid_json") {
  for (auto number : {std::string{"1e400"}, std::string{"-1e400"},
                      "1" + std::string(400, '0')}) {
    CAPTURE(number);
    auto text =
        std::string{
            R"({"type":"private_message","content":"hi","recipient_id":)"} +
        number + "}";
    CHECK(rejection_of(text).code == error_code::invalid_json);
  }
}

TEST_CASE("NaN, Infinity, comments and single quotes are invalid_json") {
  for (auto text :
       {R"({"type":"sync","after_id":NaN})",
        R"({"type":"sync","after_id":Infinity})",
        R"({"type":"sync","after_id":1} // note)",
        R"({/* c */"type":"sync","after_id":1})",
        R"({'type':'sync','after_id':1})", R"({"type":"sync","after_id":01})",
        R"({"type":"sync","after_id":1,})"}) {
    CAPTURE(text);
    CHECK(rejection_of(text).code == error_code::invalid_json);
  }
}

TEST_CASE("trailing garbage after the object is invalid_json") {
  std::string frame = R"({"type":"sync","after_id":1})";
  for (const auto& tail : {std::string{"x"}, std::string{"{}"},
                           std::string{" 1"}, std::string{"\n]"}}) {
    CAPTURE(tail);
    CHECK(rejection_of(frame + tail).code == error_code::invalid_json);
  }
}

TEST_CASE("a NUL byte in the text never truncates it into validity") {
  std::string frame = R"({"type":"sync","after_id":1})";
  using namespace std::string_literals;
  CHECK(rejection_of(frame + "\0"s).code == error_code::invalid_json);
  CHECK(rejection_of(frame + "\0garbage"s).code == error_code::invalid_json);
  CHECK(rejection_of(frame + " \0 "s).code == error_code::invalid_json);
  CHECK(
      rejection_of(R"({"type":"sync")"s + "\0"s + R"(,"after_id":1})"s).code ==
      error_code::invalid_json);
  CHECK(rejection_of(message_with_content_bytes("a\0b"s)).code ==
        error_code::invalid_json);
  CHECK(rejection_of("\0"s).code == error_code::invalid_json);
}

TEST_CASE("empty and blank text is invalid_json") {
  CHECK(rejection_of("").code == error_code::invalid_json);
  CHECK(rejection_of(" \t\r\n").code == error_code::invalid_json);
}

TEST_CASE("raw control characters inside strings are invalid_json") {
  for (auto raw : {"a\nb", "tab\there", "\x01", "\x1F"}) {
    CAPTURE(raw);
    CHECK(rejection_of(message_with_content_bytes(raw)).code ==
          error_code::invalid_json);
  }
}

TEST_CASE("ill-formed UTF-8 bytes are invalid_json") {
  for (auto raw : {
           "\xFF",             // never valid
           "\x80",             // stray continuation byte
           "\xC3",             // truncated two-byte sequence
           "\xE2\x82",         // truncated three-byte sequence
           "\xC0\xAF",         // overlong '/'
           "\xE0\x80\xAF",     // overlong '/'
           "\xED\xA0\x80",     // encoded surrogate U+D800
           "\xF4\x90\x80\x80", // above U+10FFFF
           "\xF5\x80\x80\x80", // lead byte out of range
       }) {
    CAPTURE(raw);
    CHECK(rejection_of(message_with_content_bytes(raw)).code ==
          error_code::invalid_json);
  }
}

TEST_CASE("ill-formed UTF-8 in a member name is invalid_json") {
  CHECK(rejection_of("{\"type\":\"sync\",\"after_id\":1,\"\xFF\":1}").code ==
        error_code::invalid_json);
}

TEST_CASE("escaped lone surrogates are invalid_json") {
  for (auto escaped : {R"(\ud800)", R"(\udbff x)", R"(\udc00)", R"(\udfff)",
                       R"(\ud800\u0041)", R"(\ude00\ud83d)"}) {
    CAPTURE(escaped);
    auto rejected = rejection_of(message_with_content_bytes(escaped));
    CHECK(rejected.code == error_code::invalid_json);
    CHECK(rejected.message.find("urrogate") != std::string::npos);
  }
}

TEST_CASE("bad escapes are invalid_json") {
  for (auto escaped :
       {R"(\x41)", R"(\u12)", R"(\u12G4)", R"(\)", R"(\U0041)"}) {
    CAPTURE(escaped);
    CHECK(rejection_of(message_with_content_bytes(escaped)).code ==
          error_code::invalid_json);
  }
}

TEST_CASE("valid four-byte UTF-8 at the edges of the range is accepted") {
  for (std::string raw : {"\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
                          "\xEF\xBF\xBF", "\xED\x9F\xBF", "\xC2\x80"}) {
    CAPTURE(raw);
    CHECK(private_message_of(message_with_content_bytes(raw)).content == raw);
  }
}

TEST_CASE("random mutations of valid frames never crash the decoder") {
  std::mt19937 random{4242};
  std::uniform_int_distribution<int> byte{0, 255};
  std::size_t rejected = 0;
  for (int round = 0; round < 30'000; ++round) {
    auto text = valid_frames[round % valid_frames.size()];
    auto edits = 1 + round % 4;
    for (int i = 0; i < edits; ++i) {
      auto at = random() % text.size();
      switch (random() % 3) {
      case 0:
        text[at] = static_cast<char>(byte(random));
        break;
      case 1:
        text.erase(at, 1);
        break;
      default:
        text.insert(at, 1, static_cast<char>(byte(random)));
      }
    }
    auto frame = parley::json::decode_client_frame(text);
    if (std::holds_alternative<parley::json::rejected_frame>(frame)) ++rejected;
  }
  // Most mutations break the frame; all of them must merely return.
  CHECK(rejected > 15'000);
}
