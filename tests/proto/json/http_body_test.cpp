// Tests of the HTTP body codec: credentials, registration rules, encoders.
#include <string>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include "proto/json/http_body.hpp"
#include "proto/limits.hpp"
#include "tests/proto/json/parsed_output.hpp"

using parley::error_code;
using parley::json::credentials;
using parley::test::int_member;
using parley::test::keys_of;
using parley::test::parse_output;
using parley::test::string_member;
using strings = std::vector<std::string>;

namespace {

credentials decoded(std::string_view body) {
  auto result = parley::json::decode_credentials(body);
  if (auto* bad = std::get_if<parley::failure>(&result))
    FAIL("rejected: " << bad->message);
  return std::get<credentials>(result);
}

parley::failure refused(std::string_view body) {
  auto result = parley::json::decode_credentials(body);
  auto* bad = std::get_if<parley::failure>(&result);
  REQUIRE_MESSAGE(bad != nullptr, "accepted: " << std::string{body});
  return *bad;
}

error_code rule_for(std::string username, std::string password) {
  return parley::json::validate_registration(
             {std::move(username), std::move(password)})
      .code;
}

std::string repeat(const std::string& unit, std::size_t times) {
  std::string result;
  for (std::size_t i = 0; i < times; ++i)
    result += unit;
  return result;
}

const std::string emoji = "\xF0\x9F\x98\x80";

} // namespace

TEST_SUITE("decode_credentials") {
  TEST_CASE("a body with string username and password is decoded") {
    auto x = decoded(R"({"username":"alice","password":"s3cret pass"})");
    CHECK(x.username == "alice");
    CHECK(x.password == "s3cret pass");
  }

  TEST_CASE("escapes are decoded and extra members ignored") {
    auto x = decoded(R"({"password":"p\u00e4ss\"w\\rd","remember":true,)"
                     R"("username":"bob"})");
    CHECK(x.username == "bob");
    CHECK(x.password == "p\xC3\xA4ss\"w\\rd");
  }

  TEST_CASE("a body that is not JSON is invalid_request") {
    for (auto body : {"", "username=alice", "{", R"({"username":"a",})",
                      R"({"username":"a","password":"b"} x)"}) {
      CAPTURE(body);
      auto bad = refused(body);
      CHECK(bad.code == error_code::invalid_request);
      CHECK(bad.message.find("not valid JSON") != std::string::npos);
    }
  }

  TEST_CASE("a JSON body that is not an object is invalid_request") {
    for (auto body : {"[]", R"(["alice","pw"])", "\"alice\"", "null"}) {
      CAPTURE(body);
      auto bad = refused(body);
      CHECK(bad.code == error_code::invalid_request);
      CHECK(bad.message.find("object") != std::string::npos);
    }
  }

  TEST_CASE("a missing or non-string member is named in the message") {
    struct row {
      const char* body;
      const char* names;
    };
    for (auto [body, names] :
         {row{R"({"password":"pw"})", "username is missing"},
          row{R"({"username":7,"password":"pw"})", "username must be a string"},
          row{R"({"username":"a"})", "password is missing"},
          row{R"({"username":"a","password":null})",
              "password must be a string"},
          row{R"({"username":"a","password":["pw"]})",
              "password must be a string"}}) {
      CAPTURE(body);
      auto bad = refused(body);
      CHECK(bad.code == error_code::invalid_request);
      CHECK(bad.message == names);
    }
  }

  TEST_CASE("deep nesting, ill-formed UTF-8 and NUL bytes are refused") {
    using namespace std::string_literals;
    CHECK(refused(std::string(10'000, '[')).message.find("nesting too deep") !=
          std::string::npos);
    CHECK(refused(R"({"username":"a","password":"b","x":)" +
                  repeat("{\"a\":", 50))
              .code == error_code::invalid_request);
    CHECK(refused("{\"username\":\"\xC3\",\"password\":\"pw\"}").code ==
          error_code::invalid_request);
    CHECK(refused(R"({"username":"\udc00","password":"pw"})").code ==
          error_code::invalid_request);
    CHECK(refused(R"({"username":"a","password":"b"})"s + "\0x"s).code ==
          error_code::invalid_request);
  }

  TEST_CASE("a username with an escaped NUL is invalid_username") {
    auto bad = refused(R"({"username":"al\u0000ice","password":"pw"})");
    CHECK(bad.code == error_code::invalid_username);
    CHECK(bad.message.find("NUL") != std::string::npos);
  }

  TEST_CASE("a body over the HTTP body limit is refused before parsing") {
    auto padding = std::string(parley::limits::max_http_body_bytes, ' ');
    auto bad = refused(R"({"username":"a","password":"b"})" + padding);
    CHECK(bad.code == error_code::invalid_request);
    CHECK(bad.message.find("larger than") != std::string::npos);
  }
}

TEST_SUITE("validate_registration") {
  TEST_CASE("usernames of 3 to 32 allowed characters pass") {
    CHECK(rule_for("abc", "password") == error_code::none);
    CHECK(rule_for(std::string(32, 'u'), "password") == error_code::none);
    CHECK(rule_for("A.b-c_9", "password") == error_code::none);
  }

  TEST_CASE("usernames of the wrong length or alphabet are invalid") {
    for (auto name : {std::string{}, std::string{"ab"}, std::string(33, 'u'),
                      std::string{"has space"}, std::string{"sl/ash"},
                      std::string{"at@home"},
                      std::string{"\xC3\xBC"
                                  "ber"},
                      std::string{"nul\0byte", 8}, std::string{"tab\tx"}}) {
      CAPTURE(name);
      CHECK(rule_for(name, "password") == error_code::invalid_username);
    }
  }

  TEST_CASE("passwords of 8 characters up to the byte limit pass") {
    CHECK(rule_for("alice", "12345678") == error_code::none);
    CHECK(rule_for("alice", repeat(emoji, 8)) == error_code::none);
    CHECK(rule_for("alice", std::string(parley::limits::max_password_bytes,
                                        'p')) == error_code::none);
  }

  TEST_CASE("passwords are counted in characters, not bytes") {
    // Seven emoji are 28 bytes but only 7 characters.
    CHECK(rule_for("alice", repeat(emoji, 7)) == error_code::invalid_password);
  }

  TEST_CASE("short, empty and oversized passwords are invalid") {
    CHECK(rule_for("alice", "") == error_code::invalid_password);
    CHECK(rule_for("alice", "1234567") == error_code::invalid_password);
    auto over = std::string(parley::limits::max_password_bytes + 1, 'p');
    auto failure = parley::json::validate_registration({"alice", over});
    CHECK(failure.code == error_code::invalid_password);
    CHECK(failure.message.find("1024") != std::string::npos);
  }

  TEST_CASE("a bad username is reported before a bad password") {
    CHECK(rule_for("a", "short") == error_code::invalid_username);
  }
}

TEST_SUITE("encoders") {
  parley::user_record alice{12, "alice", "online"};

  TEST_CASE("encode_user writes id and username only") {
    CHECK(parley::json::encode_user(alice) ==
          R"({"id":12,"username":"alice"})");
  }

  TEST_CASE("encode_user_with_status adds the status") {
    auto doc = parse_output(parley::json::encode_user_with_status(alice));
    CHECK(keys_of(doc) == strings{"id", "username", "status"});
    CHECK(int_member(doc, "id") == 12);
    CHECK(string_member(doc, "username") == "alice");
    CHECK(string_member(doc, "status") == "online");
  }

  TEST_CASE("encode_login nests the user and formats expires_at") {
    auto text =
        parley::json::encode_login("v4.local.abc", 1795639633123, alice);
    CHECK(text == R"({"access_token":"v4.local.abc",)"
                  R"("expires_at":"2026-11-25T20:47:13.123Z",)"
                  R"("user":{"id":12,"username":"alice"}})");
  }

  TEST_CASE("encode_history lists messages with their receiver") {
    parley::chat_message first{1, 12, "alice", 34, "hi \"bob\"", "c1", 0};
    parley::chat_message second{2, 34, "bob", 12, "\xF0\x9F\x91\x8B", "", 1500};
    auto doc = parse_output(parley::json::encode_history({first, second}));
    CHECK(keys_of(doc) == strings{"messages"});
    const auto& list = doc["messages"];
    REQUIRE(list.IsArray());
    REQUIRE(list.Size() == 2);
    CHECK(keys_of(list[0]) ==
          strings{"id", "sender_id", "recipient_id", "content", "sent_at"});
    CHECK(int_member(list[0], "id") == 1);
    CHECK(int_member(list[0], "sender_id") == 12);
    CHECK(int_member(list[0], "recipient_id") == 34);
    CHECK(string_member(list[0], "content") == "hi \"bob\"");
    CHECK(string_member(list[0], "sent_at") == "1970-01-01T00:00:00.000Z");
    CHECK(int_member(list[1], "recipient_id") == 12);
    CHECK(string_member(list[1], "content") == "\xF0\x9F\x91\x8B");
    CHECK(string_member(list[1], "sent_at") == "1970-01-01T00:00:01.500Z");
  }

  TEST_CASE("an empty history is an empty array") {
    CHECK(parley::json::encode_history({}) == R"({"messages":[]})");
  }

  TEST_CASE("encode_error_body nests code and message under error") {
    auto doc = parse_output(parley::json::encode_error_body(
        error_code::username_taken, "name \"x\" is taken"));
    CHECK(keys_of(doc) == strings{"error"});
    CHECK(keys_of(doc["error"]) == strings{"code", "message"});
    CHECK(string_member(doc["error"], "code") == "username_taken");
    CHECK(string_member(doc["error"], "message") == "name \"x\" is taken");
  }

  TEST_CASE("encode_health says ok") {
    CHECK(parley::json::encode_health() == R"({"status":"ok"})");
  }
}
