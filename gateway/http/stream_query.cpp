// Parsing of ?since=, ?device= and ?acks= on the WebSocket upgrade.
#include "gateway/http/stream_query.hpp"

#include <limits>

namespace parley {

namespace {

bool is_device_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
}

bool valid_device(const std::string& name) {
  if (name.empty() || name.size() > max_device_bytes) return false;
  for (char c : name)
    if (!is_device_char(c)) return false;
  return true;
}

} // namespace

std::variant<stream_options, std::string>
parse_stream_options(const request_target& target) {
  stream_options result;
  bool malformed = false;
  auto since = query_integer(
      target, "since", 0, std::numeric_limits<std::int64_t>::max(), malformed);
  if (malformed) return std::string{"since must be a non-negative message id"};
  result.since = since.value_or(no_resume);
  if (auto device = target.query.find("device"); device != target.query.end()) {
    if (!valid_device(device->second))
      return std::string{"device must be 1-64 characters of [A-Za-z0-9_.:-]"};
    result.device = device->second;
  }
  if (auto acks = target.query.find("acks"); acks != target.query.end()) {
    const auto& value = acks->second;
    if (value == "1" || value == "true")
      result.acks = true;
    else if (value != "0" && value != "false")
      return std::string{"acks must be 1 or 0"};
  }
  return result;
}

} // namespace parley
