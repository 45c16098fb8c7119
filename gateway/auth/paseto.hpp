// PASETO v4.local (XChaCha20 + BLAKE2b-MAC, built on libsodium).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

/// A 32-byte symmetric PASETO v4.local key.
using paseto_key = std::array<unsigned char, 32>;

/// Encrypts `payload` into a "v4.local." token. `nonce` (32 bytes) is for
/// the test vectors only; when absent a random nonce is drawn.
std::string paseto_v4_encrypt(const paseto_key& key, std::string_view payload,
                              std::string_view footer = {},
                              std::string_view implicit_assertion = {},
                              const unsigned char* nonce = nullptr);

/// Decrypts and authenticates a "v4.local." token; nullopt when the token is
/// malformed (including non-canonical base64url), its footer differs from
/// `footer` (absent iff `footer` is empty), or authentication fails.
/// Never throws on any input (short of running out of memory).
std::optional<std::string>
paseto_v4_decrypt(const paseto_key& key, std::string_view token,
                  std::string_view footer = {},
                  std::string_view implicit_assertion = {});

} // namespace parley::auth
