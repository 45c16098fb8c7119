// Request target parsing (RFC 3986 percent-decoding, '+' as space in query).
#include "gateway/http/target.hpp"

#include <charconv>

namespace parley {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus && c == '+') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace

std::optional<request_target> parse_target(std::string_view target) {
  request_target result;
  auto question = target.find('?');
  auto path = percent_decode(target.substr(0, question), false);
  if (!path || path->empty() || path->front() != '/') return std::nullopt;
  result.path = std::move(*path);
  if (question == std::string_view::npos) return result;
  auto query = target.substr(question + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
        true);
    if (!key || !value) return std::nullopt;
    result.query[std::move(*key)] = std::move(*value);
  }
  return result;
}

std::optional<std::int64_t> query_integer(const request_target& target,
                                          const std::string& name,
                                          std::int64_t min, std::int64_t max,
                                          bool& malformed) {
  auto i = target.query.find(name);
  if (i == target.query.end()) return std::nullopt;
  const auto& text = i->second;
  std::int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      value < min || value > max) {
    malformed = true;
    return std::nullopt;
  }
  return value;
}

} // namespace parley
