// Tests for gateway/auth/access_token: issuing, verifying and key parsing.
#include <string>

#include <doctest/doctest.h>

#include "gateway/auth/access_token.hpp"

using namespace parley::auth;
using parley::timestamp_ms;

namespace {

// 2026-11-25T20:47:13Z; tests pass `now` explicitly, never read the clock.
constexpr timestamp_ms now_ms = 1'795'639'633'000;
constexpr timestamp_ms hour_ms = 3'600'000;

const paseto_key key = *parse_key_hex(
    "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f");

const token_claims alice{42, "alice", now_ms + hour_ms};

/// A token around a hand-written payload, to reach claim checks that
/// issue_token never exercises.
std::string token_for(std::string_view payload) {
  return paseto_v4_encrypt(key, payload);
}

/// A payload with every claim valid except the ones a test overrides.
std::string payload_with(std::string sub = R"("42")",
                         std::string username = R"("alice")",
                         std::string exp = R"("2026-11-25T21:47:13Z")",
                         std::string iat = R"("2026-11-25T20:47:13Z")") {
  return R"({"sub":)" + sub + R"(,"username":)" + username + R"(,"exp":)" +
         exp + R"(,"iat":)" + iat + "}";
}

} // namespace

TEST_CASE("an issued token verifies to the claims it was issued for") {
  auto claims = verify_token(key, issue_token(key, alice), now_ms);
  REQUIRE(claims);
  CHECK(claims->user == 42);
  CHECK(claims->username == "alice");
  CHECK(claims->expires_at == alice.expires_at);
}

TEST_CASE("an expiry with milliseconds survives the round trip") {
  const token_claims bob{7, "bob", now_ms + 1234};
  auto claims = verify_token(key, issue_token(key, bob), now_ms);
  REQUIRE(claims);
  CHECK(claims->expires_at == now_ms + 1234);
}

TEST_CASE("a token verifies one millisecond before it expires") {
  CHECK(verify_token(key, issue_token(key, alice), alice.expires_at - 1));
}

TEST_CASE("a hand-made payload with an offset and extra claims verifies") {
  auto claims = verify_token(
      key,
      token_for(R"({"iat":"2026-11-25T20:47:13Z","jti":"x","username":"alice",)"
                R"("exp":"2026-11-25T22:47:13+01:00","sub":"42"})"),
      now_ms);
  REQUIRE(claims);
  CHECK(claims->user == 42);
  CHECK(claims->expires_at == now_ms + hour_ms);
}

TEST_CASE("a token is refused at and after its expiry") {
  auto token = issue_token(key, alice);
  CHECK_FALSE(verify_token(key, token, alice.expires_at));
  CHECK_FALSE(verify_token(key, token, alice.expires_at + 1));
  CHECK_FALSE(verify_token(key, token, alice.expires_at + 365 * 24 * hour_ms));
}

TEST_CASE("changing any single character of a token makes it invalid") {
  const auto token = issue_token(key, alice);
  REQUIRE(verify_token(key, token, now_ms));
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'B', '-', '_', '.', '\0'}) {
      if (token[i] == replacement) continue;
      auto tampered = token;
      tampered[i] = replacement;
      CAPTURE(i);
      CAPTURE(replacement);
      CHECK_FALSE(verify_token(key, tampered, now_ms));
    }
  }
}

TEST_CASE("dropping or adding a character makes a token invalid") {
  const auto token = issue_token(key, alice);
  for (std::size_t i = 0; i < token.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(verify_token(key, token.substr(0, i), now_ms));
    auto dropped = token;
    dropped.erase(i, 1);
    CHECK_FALSE(verify_token(key, dropped, now_ms));
  }
  CHECK_FALSE(verify_token(key, token + "A", now_ms));
  CHECK_FALSE(verify_token(key, token + ".", now_ms));
}

TEST_CASE("a token made with another key is refused") {
  auto foreign = random_key();
  REQUIRE(foreign != key);
  CHECK_FALSE(verify_token(key, issue_token(foreign, alice), now_ms));
  CHECK(verify_token(foreign, issue_token(foreign, alice), now_ms));
}

TEST_CASE("random keys differ from each other") {
  CHECK(random_key() != random_key());
}

TEST_CASE("garbage and empty strings are refused") {
  for (std::string garbage :
       {std::string{}, std::string{"garbage"}, std::string{"v4.local."},
        std::string{"v4.local.."}, std::string{"v4.local.!!!!"},
        std::string{"v4.local.AAAA"}, std::string{"...."},
        std::string{"v4.local.\0\0\0\0", 13}, std::string{"\xff\xfe\x00", 3},
        std::string{"Bearer v4.local.AAAA"}}) {
    CAPTURE(garbage);
    CHECK_FALSE(verify_token(key, garbage, now_ms));
  }
}

TEST_CASE("a valid body under another header is refused") {
  const auto token = issue_token(key, alice);
  const auto body = token.substr(std::string{"v4.local."}.size());
  CHECK_FALSE(verify_token(key, "v3.local." + body, now_ms));
  CHECK_FALSE(verify_token(key, "v4.public." + body, now_ms));
  CHECK_FALSE(verify_token(key, "v2.local." + body, now_ms));
}

TEST_CASE("very long inputs are refused") {
  CHECK_FALSE(verify_token(key, std::string(1 << 20, 'A'), now_ms));
  CHECK_FALSE(
      verify_token(key, "v4.local." + std::string(1 << 20, 'A'), now_ms));
  // Even a genuine token is refused once it exceeds the limit.
  const token_claims huge{1, std::string(max_token_bytes, 'x'),
                          now_ms + hour_ms};
  CHECK_FALSE(verify_token(key, issue_token(key, huge), now_ms));
}

TEST_CASE("a token with a footer is refused") {
  CHECK_FALSE(
      verify_token(key, paseto_v4_encrypt(key, payload_with(), "kid"), now_ms));
  CHECK(verify_token(key, token_for(payload_with()), now_ms));
}

TEST_CASE("payloads that are not a JSON object are refused") {
  for (const char* payload :
       {"", "null", "[]", R"(["sub","42"])", "42", R"("text")", "{",
        "not json at all", R"({"sub":"42"} trailing)"}) {
    CAPTURE(payload);
    CHECK_FALSE(verify_token(key, token_for(payload), now_ms));
  }
}

TEST_CASE("payloads with missing claims are refused") {
  for (
      const char* payload :
      {"{}",
       R"({"username":"alice","exp":"2026-11-25T21:47:13Z","iat":"2026-11-25T20:47:13Z"})",
       R"({"sub":"42","exp":"2026-11-25T21:47:13Z","iat":"2026-11-25T20:47:13Z"})",
       R"({"sub":"42","username":"alice","iat":"2026-11-25T20:47:13Z"})",
       R"({"sub":"42","username":"alice","exp":"2026-11-25T21:47:13Z"})"}) {
    CAPTURE(payload);
    CHECK_FALSE(verify_token(key, token_for(payload), now_ms));
  }
}

TEST_CASE("claims of the wrong type are refused") {
  for (const auto& payload :
       {payload_with("42"), payload_with(R"(["42"])"), payload_with("null"),
        payload_with(R"("42")", "7"), payload_with(R"("42")", "null"),
        payload_with(R"("42")", R"({"name":"alice"})"),
        payload_with(R"("42")", R"("alice")", "1795643233000"),
        payload_with(R"("42")", R"("alice")", R"("2026-11-25T21:47:13Z")",
                     "true")}) {
    CAPTURE(payload);
    CHECK_FALSE(verify_token(key, token_for(payload), now_ms));
  }
}

TEST_CASE("user ids that are not positive canonical decimals are refused") {
  for (const char* sub :
       {R"("0")", R"("-5")", R"("+5")", R"("007")", R"(" 5")", R"("5 ")",
        R"("5a")", R"("")", R"("4.2")", R"("1e3")", R"("9223372036854775808")",
        R"("99999999999999999999999")"}) {
    CAPTURE(sub);
    CHECK_FALSE(verify_token(key, token_for(payload_with(sub)), now_ms));
  }
}

TEST_CASE("the largest user id is accepted") {
  auto claims = verify_token(
      key, token_for(payload_with(R"("9223372036854775807")")), now_ms);
  REQUIRE(claims);
  CHECK(claims->user == 9'223'372'036'854'775'807);
}

TEST_CASE("a token issued for user id zero is refused") {
  const token_claims nobody{0, "nobody", now_ms + hour_ms};
  CHECK_FALSE(verify_token(key, issue_token(key, nobody), now_ms));
}

TEST_CASE("an empty username or malformed times are refused") {
  for (const auto& payload :
       {payload_with(R"("42")", R"("")"),
        payload_with(R"("42")", R"("alice")", R"("2026-11-25")"),
        payload_with(R"("42")", R"("alice")", R"("tomorrow")"),
        payload_with(R"("42")", R"("alice")", R"("2026-11-25T21:47:13")"),
        payload_with(R"("42")", R"("alice")", R"("2026-11-25T21:47:13Z")",
                     R"("2026-13-25T20:47:13Z")"),
        payload_with(R"("42")", R"("alice")", R"("2026-11-25T21:47:13Z")",
                     R"("")")}) {
    CAPTURE(payload);
    CHECK_FALSE(verify_token(key, token_for(payload), now_ms));
  }
}

TEST_CASE("a payload with invalid UTF-8 is refused") {
  CHECK_FALSE(verify_token(
      key, token_for(payload_with(R"("42")", "\"al\xffice\"")), now_ms));
}

TEST_CASE("a key in hex parses, in either case and with surrounding space") {
  const std::string hex =
      "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f";
  CHECK(parse_key_hex(hex) == key);
  CHECK(
      parse_key_hex(
          "707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F") ==
      key);
  CHECK(parse_key_hex("  " + hex + "\n") == key);
  CHECK(parse_key_hex("\t\r\n" + hex + " \t") == key);
}

TEST_CASE("key hex of the wrong length or with foreign characters is refused") {
  const std::string hex =
      "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f";
  for (const auto& bad :
       {std::string{}, std::string{"   \n"}, hex.substr(0, 62),
        hex.substr(0, 63), hex + "0", hex + "00", "0x" + hex.substr(2),
        hex.substr(0, 63) + "g", "g" + hex.substr(1),
        hex.substr(0, 32) + " " + hex.substr(32),
        hex.substr(0, 32) + ":" + hex.substr(33),
        hex.substr(0, 10) + std::string{"\0", 1} + hex.substr(11),
        std::string(64, 'z')}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_key_hex(bad));
  }
}
