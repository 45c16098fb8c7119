// Bearer token extraction; the cryptography lives in gateway/auth.
#include "gateway/bearer_auth.hpp"

#include <chrono>

namespace parley {

std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    auto c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return std::nullopt;
  }
  return header.substr(scheme.size());
}

std::optional<auth::token_claims>
authenticate(const auth::paseto_key& key, std::string_view authorization,
             std::optional<std::string_view> query_token) {
  std::optional<std::string_view> token;
  if (!authorization.empty())
    token = bearer_token(authorization);
  else
    token = query_token;
  if (!token) return std::nullopt;
  return auth::verify_token(key, *token, wall_clock_ms());
}

} // namespace parley
