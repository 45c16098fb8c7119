// RFC 3339 timestamps for token claims ("exp", "iat"), always written in UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "proto/domain.hpp"

namespace parley::auth {

/// "2026-11-25T20:47:13Z", or "...13.123Z" when `at` has milliseconds;
/// instants outside years 0000-9999 are clamped to the nearest end.
std::string format_rfc3339(timestamp_ms at);

/// Parses an RFC 3339 date-time ("Z" or "+hh:mm" offset, optional fraction,
/// truncated to milliseconds); nullopt for anything else, never throws.
std::optional<timestamp_ms> parse_rfc3339(std::string_view text);

} // namespace parley::auth
