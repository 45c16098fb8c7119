// RFC 3339 timestamps in UTC with millisecond precision.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "proto/domain.hpp"

namespace parley::json {

/// "2026-11-25T20:47:13.123Z" for the given instant.
std::string format_rfc3339(timestamp_ms at);

/// The same text in a fixed buffer: encoders on the message path use it to
/// allocate nothing for a timestamp.
struct rfc3339_text {
  char data[40];
  std::size_t size = 0;
  std::string_view view() const { return {data, size}; }
};

/// format_rfc3339 without a heap allocation.
rfc3339_text format_rfc3339_fixed(timestamp_ms at);

/// Reads "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+hh:mm|-hh:mm)" into an instant;
/// nullopt for anything malformed, impossible dates and leap seconds.
std::optional<timestamp_ms> parse_rfc3339(std::string_view text);

} // namespace parley::json
