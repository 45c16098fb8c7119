// Tests of decode_client_frame: each validation rule, accepted and rejected.
#include <string>

#include <doctest/doctest.h>

#include "proto/json/client_frame.hpp"
#include "tests/proto/json/decode_helpers.hpp"

using parley::error_code;
using parley::test::private_message_of;
using parley::test::rejection_of;
using parley::test::sync_of;

namespace {

std::string message_with_content(const std::string& json_content) {
  return R"({"type":"private_message","recipient_id":7,"content":)" +
         json_content + "}";
}

std::string message_with_recipient(const std::string& json_recipient) {
  return R"({"type":"private_message","content":"hi","recipient_id":)" +
         json_recipient + "}";
}

std::string message_with_id(const std::string& json_id) {
  return R"({"type":"private_message","recipient_id":7,"content":"hi",)"
         R"("client_msg_id":)" +
         json_id + "}";
}

std::string quoted(const std::string& x) {
  return "\"" + x + "\"";
}

} // namespace

TEST_SUITE("frame shape") {
  TEST_CASE("a minimal private message is accepted") {
    auto msg = private_message_of(
        R"({"type":"private_message","recipient_id":42,"content":"hello"})");
    CHECK(msg.recipient_id == 42);
    CHECK(msg.content == "hello");
    CHECK(msg.client_msg_id.empty());
  }

  TEST_CASE("members may come in any order, surrounded by whitespace") {
    auto msg =
        private_message_of(" \n\t{ \"content\" : \"x\" , \"recipient_id\""
                           " : 3 , \"type\" : \"private_message\" }\r\n");
    CHECK(msg.recipient_id == 3);
    CHECK(msg.content == "x");
  }

  TEST_CASE("unknown extra members are ignored") {
    auto msg = private_message_of(
        R"({"type":"private_message","recipient_id":5,"content":"hi",)"
        R"("priority":"high","extra":{"deep":[1,2,{"x":null}]}})");
    CHECK(msg.recipient_id == 5);
    CHECK(msg.content == "hi");
  }

  TEST_CASE("a JSON value that is not an object is not_an_object") {
    for (auto text :
         {"[]", "[1,2]", "\"private_message\"", "42", "null", "true", "-0.5"}) {
      CAPTURE(text);
      auto rejected = rejection_of(text);
      CHECK(rejected.code == error_code::not_an_object);
      CHECK(rejected.client_msg_id.empty());
    }
  }

  TEST_CASE("a frame without a string type is missing_type") {
    for (auto text :
         {"{}", R"({"Type":"sync"})", R"({"type":5})", R"({"type":null})",
          R"({"type":["sync"]})", R"({"type":{"name":"sync"}})"}) {
      CAPTURE(text);
      CHECK(rejection_of(text).code == error_code::missing_type);
    }
  }

  TEST_CASE("an unknown type is named in the message") {
    auto rejected = rejection_of(R"({"type":"group_message"})");
    CHECK(rejected.code == error_code::unknown_type);
    CHECK(rejected.message.find("group_message") != std::string::npos);
  }

  TEST_CASE("type names are case-sensitive and exact") {
    for (auto text :
         {R"({"type":"Sync","after_id":1})", R"({"type":"sync ","after_id":1})",
          R"({"type":"","after_id":1})",
          R"({"type":"sync\u0000","after_id":1})"}) {
      CAPTURE(text);
      CHECK(rejection_of(text).code == error_code::unknown_type);
    }
  }

  TEST_CASE("an echoed unknown type is truncated and made printable") {
    std::string long_type(500, 'z');
    auto rejected = rejection_of(R"({"type":")" + long_type + "\"}");
    CHECK(rejected.code == error_code::unknown_type);
    CHECK(rejected.message.size() < 100);
    auto odd = rejection_of(R"({"type":"a\u0000b\n\u00e9😀"})");
    CHECK(odd.code == error_code::unknown_type);
    for (char c : odd.message) {
      CAPTURE(static_cast<int>(c));
      CHECK((c >= 0x20 && c < 0x7F));
    }
  }
}

TEST_SUITE("client_msg_id") {
  TEST_CASE("a client_msg_id of 1 and of 64 bytes is accepted") {
    CHECK(private_message_of(message_with_id(quoted("a"))).client_msg_id ==
          "a");
    std::string id(64, 'k');
    CHECK(private_message_of(message_with_id(quoted(id))).client_msg_id == id);
  }

  TEST_CASE("a valid client_msg_id is echoed in every rejection") {
    std::string id(64, 'e');
    auto with_id = [&](const std::string& rest) {
      return "{\"client_msg_id\":" + quoted(id) + rest + "}";
    };
    CHECK(rejection_of(with_id("")).client_msg_id == id);
    CHECK(rejection_of(with_id(R"(,"type":7)")).client_msg_id == id);
    CHECK(rejection_of(with_id(R"(,"type":"nope")")).client_msg_id == id);
    CHECK(rejection_of(with_id(R"(,"type":"private_message","content":"x")"))
              .client_msg_id == id);
    CHECK(rejection_of(
              with_id(
                  R"(,"type":"private_message","recipient_id":1,"content":"")"))
              .client_msg_id == id);
    CHECK(rejection_of(with_id(R"(,"type":"sync","after_id":-1)"))
              .client_msg_id == id);
  }

  TEST_CASE("a client_msg_id of 65 bytes is rejected and not echoed") {
    auto rejected = rejection_of(message_with_id(quoted(std::string(65, 'k'))));
    CHECK(rejected.code == error_code::invalid_client_msg_id);
    CHECK(rejected.client_msg_id.empty());
  }

  TEST_CASE("a client_msg_id of 64 bytes of multibyte UTF-8 is accepted") {
    std::string id;
    for (int i = 0; i < 16; ++i)
      id += "\xF0\x9F\x98\x80"; // 16 emoji of 4 bytes
    CHECK(private_message_of(message_with_id(quoted(id))).client_msg_id == id);
    auto rejected = rejection_of(message_with_id(quoted(id + "a")));
    CHECK(rejected.code == error_code::invalid_client_msg_id);
  }

  TEST_CASE("an empty or non-string client_msg_id is rejected") {
    for (auto id :
         {"\"\"", "12", "null", "true", "[\"a\"]", "{}", R"("a\u0000b")"}) {
      CAPTURE(id);
      auto rejected = rejection_of(message_with_id(id));
      CHECK(rejected.code == error_code::invalid_client_msg_id);
      CHECK(rejected.client_msg_id.empty());
    }
  }

  TEST_CASE("an unusable client_msg_id is also rejected on sync") {
    auto rejected =
        rejection_of(R"({"type":"sync","after_id":0,"client_msg_id":""})");
    CHECK(rejected.code == error_code::invalid_client_msg_id);
  }
}

TEST_SUITE("recipient_id") {
  TEST_CASE("recipient ids from 1 to INT64_MAX are accepted") {
    CHECK(private_message_of(message_with_recipient("1")).recipient_id == 1);
    CHECK(private_message_of(message_with_recipient("9223372036854775807"))
              .recipient_id == INT64_MAX);
  }

  TEST_CASE("a recipient id that is not a positive int64 is invalid") {
    for (auto id : {"0", "-1", "-9223372036854775808", "9223372036854775808",
                    "18446744073709551615", "99999999999999999999999", "1.0",
                    "1e2", "2.5", "\"5\"", "null", "true", "[5]", "{}"}) {
      CAPTURE(id);
      CHECK(rejection_of(message_with_recipient(id)).code ==
            error_code::invalid_recipient);
    }
  }

  TEST_CASE("a missing recipient id is invalid") {
    auto rejected =
        rejection_of(R"({"type":"private_message","content":"hi"})");
    CHECK(rejected.code == error_code::invalid_recipient);
  }
}

TEST_SUITE("content") {
  TEST_CASE("content is returned byte for byte with escapes decoded") {
    auto msg = private_message_of(message_with_content(
        R"("line\nbreak \"quoted\" back\\slash tab\t slash\/ \u00e9 \ud83d\ude00")"));
    CHECK(msg.content ==
          "line\nbreak \"quoted\" back\\slash tab\t slash/ \xC3\xA9 "
          "\xF0\x9F\x98\x80");
  }

  TEST_CASE("raw emoji and other scripts pass through unchanged") {
    std::string text = "\xF0\x9F\x91\x8B \xE4\xBD\xA0\xE5\xA5\xBD "
                       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82";
    CHECK(private_message_of(message_with_content(quoted(text))).content ==
          text);
  }

  TEST_CASE("content exactly at the limit is accepted") {
    std::string text(parley::limits::max_content_bytes, 'x');
    CHECK(private_message_of(message_with_content(quoted(text))).content ==
          text);
  }

  TEST_CASE("content one byte over the limit is content_too_large") {
    std::string text(parley::limits::max_content_bytes + 1, 'x');
    auto rejected = rejection_of(message_with_content(quoted(text)));
    CHECK(rejected.code == error_code::content_too_large);
    CHECK(rejected.message.find("4096") != std::string::npos);
  }

  TEST_CASE("the limit counts UTF-8 bytes, not characters") {
    parley::json::frame_limits bounds{8};
    std::string two_emoji = "\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
    CHECK(private_message_of(message_with_content(quoted(two_emoji)), bounds)
              .content == two_emoji);
    auto rejected =
        rejection_of(message_with_content(quoted(two_emoji + "a")), bounds);
    CHECK(rejected.code == error_code::content_too_large);
    CHECK(rejected.message.find(" 8 bytes") != std::string::npos);
  }

  TEST_CASE("the limit counts decoded bytes, not escape sequences") {
    parley::json::frame_limits bounds{2};
    CHECK(private_message_of(message_with_content(R"("\u00e9")"), bounds)
              .content == "\xC3\xA9");
    CHECK(rejection_of(message_with_content(R"("\u00e9a")"), bounds).code ==
          error_code::content_too_large);
  }

  TEST_CASE("missing, empty or non-string content is invalid_content") {
    for (auto content : {"\"\"", "7", "null", "false", "[\"hi\"]", "{}"}) {
      CAPTURE(content);
      CHECK(rejection_of(message_with_content(content)).code ==
            error_code::invalid_content);
    }
    CHECK(rejection_of(R"({"type":"private_message","recipient_id":7})").code ==
          error_code::invalid_content);
  }

  TEST_CASE("content with an escaped NUL is invalid_content") {
    for (auto content : {R"("\u0000")", R"("a\u0000b")", R"("end\u0000")"}) {
      CAPTURE(content);
      auto rejected = rejection_of(message_with_content(content));
      CHECK(rejected.code == error_code::invalid_content);
      CHECK(rejected.message.find("NUL") != std::string::npos);
    }
  }
}

TEST_SUITE("sync") {
  TEST_CASE("after_id from 0 to INT64_MAX is accepted") {
    CHECK(sync_of(R"({"type":"sync","after_id":0})").after_id == 0);
    CHECK(sync_of(R"({"type":"sync","after_id":1234})").after_id == 1234);
    CHECK(
        sync_of(R"({"type":"sync","after_id":9223372036854775807})").after_id ==
        INT64_MAX);
  }

  TEST_CASE("sync ignores unknown members") {
    CHECK(sync_of(R"({"after_id":3,"type":"sync","content":5})").after_id == 3);
  }

  TEST_CASE("an after_id that is not a non-negative int64 is invalid") {
    for (auto id :
         {"-1", "1.5", "0.0", "\"3\"", "null", "9223372036854775808", "[]"}) {
      CAPTURE(id);
      auto text = std::string{R"({"type":"sync","after_id":)"} + id + "}";
      CHECK(rejection_of(text).code == error_code::invalid_after_id);
    }
    CHECK(rejection_of(R"({"type":"sync"})").code ==
          error_code::invalid_after_id);
  }
}
