// The message token: hex fields separated by dots and a 32-bit FNV-1a
// checksum, short enough to keep messages chat-sized (~40 bytes).
#include "bench/message_token.hpp"

#include <charconv>

namespace parley::bench {

namespace {

constexpr std::string_view token_prefix = "pb";
constexpr int token_number_fields = 5; ///< run, sender, recipient, seq, msg

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

void append_hex(std::string& out, std::uint32_t value) {
  char digits[8];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, 16);
  (void)ec; // eight hex digits always fit a 32-bit value
  out.append(digits, end);
}

/// A whole field of 1-8 lower-case hex digits, as append_hex writes them.
bool parse_hex(std::string_view field, std::uint32_t& value) {
  if (field.empty() || field.size() > 8) return false;
  for (char c : field)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  std::from_chars(field.data(), field.data() + field.size(), value, 16);
  return true;
}

} // namespace

void append_token(std::string& out, const token_fields& f) {
  auto start = out.size();
  out.append(token_prefix);
  append_hex(out, f.run);
  for (auto value : {f.sender, f.recipient, f.seq, f.msg}) {
    out.push_back('.');
    append_hex(out, value);
  }
  auto sum = fnv1a(std::string_view{out}.substr(start));
  out.push_back('.');
  append_hex(out, sum);
}

token_status parse_token(std::string_view content, token_fields& out) {
  if (content.substr(0, token_prefix.size()) != token_prefix)
    return token_status::foreign;
  auto last_dot = content.rfind('.');
  if (last_dot == std::string_view::npos) return token_status::corrupt;
  auto body = content.substr(0, last_dot);
  std::uint32_t sum = 0;
  if (!parse_hex(content.substr(last_dot + 1), sum) || sum != fnv1a(body))
    return token_status::corrupt;
  std::uint32_t values[token_number_fields] = {};
  auto rest = body.substr(token_prefix.size());
  for (int i = 0; i < token_number_fields; ++i) {
    auto dot = rest.find('.');
    bool last = i == token_number_fields - 1;
    // Exactly five fields: a dot after each but the last.
    if ((dot == std::string_view::npos) != last) return token_status::corrupt;
    if (!parse_hex(rest.substr(0, dot), values[i]))
      return token_status::corrupt;
    rest.remove_prefix(last ? rest.size() : dot + 1);
  }
  out = {values[0], values[1], values[2], values[3], values[4]};
  return token_status::valid;
}

} // namespace parley::bench
