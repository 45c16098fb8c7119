// RFC 3339 timestamps in UTC with millisecond precision.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "proto/domain.hpp"

namespace parley::json {

/// "2026-11-25T20:47:13.123Z" for the given instant.
std::string format_rfc3339(timestamp_ms at);

/// Reads "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+hh:mm|-hh:mm)" into an instant;
/// nullopt for anything malformed, impossible dates and leap seconds.
std::optional<timestamp_ms> parse_rfc3339(std::string_view text);

} // namespace parley::json
