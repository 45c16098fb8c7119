// Request targets: path and percent-decoded query parameters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

/// "/messages?with=3&limit=10" split into its parts.
struct request_target {
  std::string path;
  std::map<std::string, std::string> query; ///< last value wins
};

/// Splits and percent-decodes a target; nullopt on malformed escapes.
std::optional<request_target> parse_target(std::string_view target);

/// A query value as a whole decimal integer in [min, max]; nullopt if the
/// parameter is missing. Sets `malformed` when present but not such a number.
std::optional<std::int64_t> query_integer(const request_target& target,
                                          const std::string& name,
                                          std::int64_t min, std::int64_t max,
                                          bool& malformed);

} // namespace parley
