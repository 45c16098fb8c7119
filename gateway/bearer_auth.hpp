// Authentication of HTTP requests and WebSocket upgrades by bearer token.
#pragma once

#include <optional>
#include <string_view>

#include "gateway/auth/access_token.hpp"

namespace parley {

/// The token of an "Authorization: Bearer <token>" header (the scheme is
/// case-insensitive, RFC 7235); nullopt for another scheme or none.
std::optional<std::string_view> bearer_token(std::string_view header);

/// The token of an "Authorization: Bearer <token>" header, or of the
/// access_token query parameter when there is no header; then verifies it.
/// nullopt for a missing, malformed, tampered, foreign or expired token.
std::optional<auth::token_claims>
authenticate(const auth::paseto_key& key, std::string_view authorization,
             std::optional<std::string_view> query_token);

} // namespace parley
