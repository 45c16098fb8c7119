// Values of command-line flags, shared by the node's options and
// `parley ctl`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

/// Parses a whole decimal string into [min, max]; nullopt otherwise.
std::optional<std::int64_t> parse_integer(std::string_view text,
                                          std::int64_t min, std::int64_t max);

/// HOST:PORT with an IPv4 address or name; [v6]:PORT is also accepted.
bool parse_host_port(std::string_view text, std::string& host_out,
                     std::uint16_t& port_out);

} // namespace parley
