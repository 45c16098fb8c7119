// JSON bodies of the HTTP API: request decoding and response encoding.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/domain.hpp"
#include "proto/error_code.hpp"

namespace parley::json {

/// {"username","password"} of POST /users and POST /login.
struct credentials {
  std::string username;
  std::string password;
};

/// Decodes a credentials body: both members present and strings, else
/// failure invalid_request. Does not apply the registration rules.
std::variant<credentials, failure> decode_credentials(std::string_view body);

/// The registration rules: username 3-32 of [A-Za-z0-9_.-] (invalid_username),
/// password at least 8 characters (invalid_password). code none when valid.
failure validate_registration(const credentials& x);

/// {"id","username"}
std::string encode_user(const user_record& x);

/// {"id","username","status"}
std::string encode_user_with_status(const user_record& x);

/// {"users":[{"id","username","status"}]} (GET /users?prefix=).
std::string encode_user_list(const std::vector<user_record>& users);

/// {"access_token","expires_at","user":{"id","username"}}; expires_at is
/// RFC 3339 UTC.
std::string encode_login(std::string_view token, timestamp_ms expires_at,
                         const user_record& user);

/// {"messages":[{"id","sender_id","recipient_id","content","sent_at"}]}
std::string encode_history(const std::vector<chat_message>& messages);

/// {"conversations":[{"peer":{"id","username","status"},"last_message":
/// {"id","sender_id","recipient_id","content","sent_at"},"unread_count",
/// "read_through","peer_delivered_through","peer_read_through"}]}
std::string encode_conversations(const std::vector<conversation_summary>& page);

/// {"error":{"code","message"}}
std::string encode_error_body(error_code code, std::string_view message);

/// {"status":"ok"}
std::string encode_health();

/// GET /readyz: {"status":"ready"|"not_ready","node":NAME,"members":[...]}.
std::string encode_readiness(bool ready, std::string_view node,
                             const std::vector<std::string>& members);

} // namespace parley::json
