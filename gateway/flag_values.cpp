// Values of command-line flags (see flag_values.hpp).
#include "gateway/flag_values.hpp"

#include <charconv>

namespace parley {

std::optional<std::int64_t> parse_integer(std::string_view text,
                                          std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      value < min || value > max)
    return std::nullopt;
  return value;
}

bool parse_host_port(std::string_view text, std::string& host_out,
                     std::uint16_t& port_out) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = parse_integer(text.substr(colon + 1), 0, 65535);
  if (!port) return false;
  host_out = std::string{host};
  port_out = static_cast<std::uint16_t>(*port);
  return true;
}

} // namespace parley
