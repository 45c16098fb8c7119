// JSON bodies of the HTTP API: request decoding and response encoding.
#include "proto/json/http_body.hpp"

#include <optional>

#include "proto/json/bounded_reader.hpp"
#include "proto/json/compact_writer.hpp"
#include "proto/json/rfc3339.hpp"
#include "proto/limits.hpp"

namespace parley::json {

namespace {

failure bad_request(std::string message) {
  return {error_code::invalid_request, std::move(message)};
}

// Reads a required string member; `out` stays untouched on failure.
std::optional<failure> read_string(const rapidjson::Value& body,
                                   const char* name, std::string& out) {
  auto it = body.FindMember(name);
  if (it == body.MemberEnd())
    return bad_request(std::string{name} + " is missing");
  if (!it->value.IsString())
    return bad_request(std::string{name} + " must be a string");
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return std::nullopt;
}

bool is_username_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// Code points, not bytes: "at least 8 characters" must not favour scripts
// whose characters take several bytes. Continuation bytes are 10xxxxxx.
std::size_t utf8_code_points(std::string_view x) {
  std::size_t count = 0;
  for (char c : x)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

} // namespace

std::variant<credentials, failure> decode_credentials(std::string_view body) {
  if (body.size() > limits::max_http_body_bytes)
    return bad_request("the body is larger than " +
                       std::to_string(limits::max_http_body_bytes) + " bytes");
  rapidjson::Document doc;
  auto why = detail::parse_bounded(body, doc, limits::max_json_depth);
  if (!why.empty()) return bad_request("the body is not valid JSON: " + why);
  if (!doc.IsObject()) return bad_request("the body must be a JSON object");
  credentials result;
  if (auto bad = read_string(doc, "username", result.username)) return *bad;
  // Usernames reach SQL as text, which cannot hold NUL in PostgreSQL; a
  // login with one must fail as a bad request, not as a database error.
  if (result.username.find('\0') != std::string::npos)
    return failure{error_code::invalid_username,
                   "username must not contain NUL characters"};
  if (auto bad = read_string(doc, "password", result.password)) return *bad;
  return result;
}

failure validate_registration(const credentials& x) {
  const auto& name = x.username;
  bool name_ok = name.size() >= limits::min_username_chars &&
                 name.size() <= limits::max_username_chars;
  for (char c : name)
    name_ok = name_ok && is_username_char(c);
  if (!name_ok)
    return {error_code::invalid_username,
            default_message(error_code::invalid_username)};
  if (utf8_code_points(x.password) < limits::min_password_chars)
    return {error_code::invalid_password,
            default_message(error_code::invalid_password)};
  if (x.password.size() > limits::max_password_bytes)
    return {error_code::invalid_password,
            "password must be at most " +
                std::to_string(limits::max_password_bytes) + " bytes"};
  return {};
}

std::string encode_user(const user_record& x) {
  detail::compact_writer out;
  out.open_object();
  out.member("id", x.id);
  out.member("username", x.username);
  out.close_object();
  return out.text();
}

std::string encode_user_with_status(const user_record& x) {
  detail::compact_writer out;
  out.open_object();
  out.member("id", x.id);
  out.member("username", x.username);
  out.member("status", x.status);
  out.close_object();
  return out.text();
}

std::string encode_user_list(const std::vector<user_record>& users) {
  detail::compact_writer out;
  out.open_object();
  out.open_array("users");
  for (const auto& x : users) {
    out.open_object();
    out.member("id", x.id);
    out.member("username", x.username);
    out.member("status", x.status);
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_login(std::string_view token, timestamp_ms expires_at,
                         const user_record& user) {
  detail::compact_writer out;
  out.open_object();
  out.member("access_token", token);
  out.member("expires_at", format_rfc3339(expires_at));
  out.open_object("user");
  out.member("id", user.id);
  out.member("username", user.username);
  out.close_object();
  out.close_object();
  return out.text();
}

std::string encode_history(const std::vector<chat_message>& messages) {
  detail::compact_writer out;
  out.open_object();
  out.open_array("messages");
  for (const auto& msg : messages) {
    out.open_object();
    out.member("id", msg.id);
    out.member("sender_id", msg.sender_id);
    out.member("recipient_id", msg.recipient_id);
    out.member("content", msg.content);
    out.member("sent_at", format_rfc3339(msg.sent_at_ms));
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string
encode_conversations(const std::vector<conversation_summary>& page) {
  detail::compact_writer out;
  out.open_object();
  out.open_array("conversations");
  for (const auto& row : page) {
    out.open_object();
    out.open_object("peer");
    out.member("id", row.peer.id);
    out.member("username", row.peer.username);
    out.member("status", row.peer.status);
    out.close_object();
    out.open_object("last_message");
    out.member("id", row.last.id);
    out.member("sender_id", row.last.sender_id);
    out.member("recipient_id", row.last.recipient_id);
    out.member("content", row.last.content);
    out.member("sent_at", format_rfc3339(row.last.sent_at_ms));
    out.close_object();
    out.member("unread_count", row.unread);
    out.member("read_through", row.read_through);
    out.member("peer_delivered_through", row.peer_delivered_through);
    out.member("peer_read_through", row.peer_read_through);
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_error_body(error_code code, std::string_view message) {
  detail::compact_writer out;
  out.open_object();
  out.open_object("error");
  out.member("code", wire_code(code));
  out.member("message", message);
  out.close_object();
  out.close_object();
  return out.text();
}

std::string encode_readiness(bool ready, std::string_view node,
                             const std::vector<std::string>& members) {
  detail::compact_writer out;
  out.open_object();
  out.member("status", ready ? "ready" : "not_ready");
  out.member("node", node);
  out.open_array("members");
  for (const auto& member : members)
    out.element(member);
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_health() {
  detail::compact_writer out;
  out.open_object();
  out.member("status", "ok");
  out.close_object();
  return out.text();
}

} // namespace parley::json
