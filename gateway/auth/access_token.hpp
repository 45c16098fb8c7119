// Parley access tokens: PASETO v4.local carrying user id, username and exp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/auth/paseto.hpp"
#include "proto/domain.hpp"

namespace parley::auth {

/// Longest token verify_token looks at; ours are ~250 bytes, so anything
/// this long is refused before any decoding or hashing work.
constexpr std::size_t max_token_bytes = 4096;

/// What a valid token says about its bearer.
struct token_claims {
  user_id user = 0;
  std::string username;
  timestamp_ms expires_at = 0; ///< "exp", RFC 3339 in the token
};

/// Parses 64 hex characters (surrounding whitespace allowed) into a key.
std::optional<paseto_key> parse_key_hex(std::string_view text);

/// A fresh random key (libsodium's CSPRNG).
paseto_key random_key();

/// Issues a token for the claims, stamped "iat" from the system clock.
std::string issue_token(const paseto_key& key, const token_claims& claims);

/// Verifies a token: nullopt when malformed, tampered, made with another
/// key, missing claims, or expired at `now`.
std::optional<token_claims>
verify_token(const paseto_key& key, std::string_view token, timestamp_ms now);

} // namespace parley::auth
