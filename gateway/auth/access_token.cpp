// Parley access tokens: PASETO v4.local carrying user id, username and exp.
//
// The payload is {"sub":"<user id>","username":"...","exp":"<RFC 3339>",
// "iat":"<RFC 3339>"}; "sub" is a decimal string, as registered JWT/PASETO
// claims are strings. Tokens carry no footer and no implicit assertion.
#include "gateway/auth/access_token.hpp"

#include <charconv>
#include <chrono>
#include <sodium.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/auth/sodium_ready.hpp"
#include "proto/json/rfc3339.hpp"

namespace parley::auth {

namespace {

constexpr std::string_view whitespace = " \t\r\n\v\f";

/// A positive user id in canonical decimal (no sign, no leading zeros), so
/// that each id has exactly one spelling.
std::optional<user_id> parse_user_id(std::string_view text) {
  if (text.empty() || text.front() < '1' || text.front() > '9')
    return std::nullopt;
  user_id id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    return std::nullopt;
  return id;
}

/// The string member `name` of `obj`, or nullopt when absent or not a string.
std::optional<std::string_view> string_member(const rapidjson::Value& obj,
                                              const char* name) {
  auto i = obj.FindMember(name);
  if (i == obj.MemberEnd() || !i->value.IsString()) return std::nullopt;
  return std::string_view{i->value.GetString(), i->value.GetStringLength()};
}

timestamp_ms system_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

std::string claims_json(const token_claims& claims, timestamp_ms issued_at) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  auto put = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  put("sub", std::to_string(claims.user));
  put("username", claims.username);
  put("exp", json::format_rfc3339(claims.expires_at));
  put("iat", json::format_rfc3339(issued_at));
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

} // namespace

std::optional<paseto_key> parse_key_hex(std::string_view text) {
  auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(whitespace) - first + 1);
  paseto_key key{};
  if (text.size() != key.size() * 2) return std::nullopt;
  ensure_sodium_ready();
  std::size_t key_len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr,
                     &key_len, &end) != 0 ||
      key_len != key.size() || end != text.data() + text.size())
    return std::nullopt;
  return key;
}

paseto_key random_key() {
  ensure_sodium_ready();
  paseto_key key;
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string issue_token(const paseto_key& key, const token_claims& claims) {
  return paseto_v4_encrypt(key, claims_json(claims, system_now_ms()));
}

std::optional<token_claims>
verify_token(const paseto_key& key, std::string_view token, timestamp_ms now) {
  if (token.size() > max_token_bytes) return std::nullopt;
  auto payload = paseto_v4_decrypt(key, token);
  if (!payload) return std::nullopt;
  // Only a holder of the key can get here, but a payload is still checked
  // member by member: a key shared with a buggy issuer must not crash us.
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(payload->data(),
                                                   payload->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto sub = string_member(doc, "sub");
  auto username = string_member(doc, "username");
  auto exp = string_member(doc, "exp");
  auto iat = string_member(doc, "iat");
  if (!sub || !username || !exp || !iat || username->empty())
    return std::nullopt;
  auto id = parse_user_id(*sub);
  auto expires_at = json::parse_rfc3339(*exp);
  // "iat" must be well formed but is not compared with `now`: nodes' clocks
  // may disagree a little, and expiry alone decides validity.
  if (!id || !expires_at || !json::parse_rfc3339(*iat) || *expires_at <= now)
    return std::nullopt;
  return token_claims{*id, std::string{*username}, *expires_at};
}

} // namespace parley::auth
