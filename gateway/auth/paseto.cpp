// PASETO v4.local (XChaCha20 + BLAKE2b-MAC, built on libsodium).
//
// Follows https://github.com/paseto-standard/paseto-spec (docs/01-Protocol-
// Versions/Version4.md): a random 32-byte nonce n selects per-token keys
// Ek||n2 = BLAKE2b-448(k, "paseto-encryption-key"||n) and
// Ak = BLAKE2b-256(k, "paseto-auth-key-for-aead"||n); the body is
// XChaCha20(Ek, n2) and the tag is BLAKE2b-256(Ak, PAE(h, n, c, f, i)).
#include "gateway/auth/paseto.hpp"

#include <algorithm>
#include <cstdint>
#include <sodium.h>
#include <string>
#include <vector>

#include "gateway/auth/sodium_ready.hpp"

namespace parley::auth {

namespace {

constexpr std::string_view header = "v4.local.";
constexpr std::size_t nonce_bytes = 32;
constexpr std::size_t tag_bytes = 32;
constexpr std::string_view encryption_key_info = "paseto-encryption-key";
constexpr std::string_view auth_key_info = "paseto-auth-key-for-aead";
constexpr int b64_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

using bytes = std::vector<unsigned char>;

const unsigned char* as_bytes(std::string_view x) {
  return reinterpret_cast<const unsigned char*>(x.data());
}

/// The keys for one token; wiped when the token is done.
struct token_keys {
  unsigned char ek[crypto_stream_xchacha20_KEYBYTES];
  unsigned char n2[crypto_stream_xchacha20_NONCEBYTES];
  unsigned char ak[32];

  token_keys(const paseto_key& key, const unsigned char* nonce) {
    static_assert(sizeof(ek) + sizeof(n2) == 56, "Ek||n2 is BLAKE2b-448");
    unsigned char tmp[56];
    crypto_generichash_state st;
    crypto_generichash_init(&st, key.data(), key.size(), sizeof(tmp));
    crypto_generichash_update(&st, as_bytes(encryption_key_info),
                              encryption_key_info.size());
    crypto_generichash_update(&st, nonce, nonce_bytes);
    crypto_generichash_final(&st, tmp, sizeof(tmp));
    std::copy(tmp, tmp + sizeof(ek), ek);
    std::copy(tmp + sizeof(ek), tmp + sizeof(tmp), n2);
    sodium_memzero(tmp, sizeof(tmp));
    crypto_generichash_init(&st, key.data(), key.size(), sizeof(ak));
    crypto_generichash_update(&st, as_bytes(auth_key_info),
                              auth_key_info.size());
    crypto_generichash_update(&st, nonce, nonce_bytes);
    crypto_generichash_final(&st, ak, sizeof(ak));
  }

  ~token_keys() {
    sodium_memzero(ek, sizeof(ek));
    sodium_memzero(n2, sizeof(n2));
    sodium_memzero(ak, sizeof(ak));
  }

  token_keys(const token_keys&) = delete;
  token_keys& operator=(const token_keys&) = delete;
};

/// Feeds LE64(n) into the MAC; the spec clears the top bit for
/// interoperability with languages lacking unsigned 64-bit integers.
void absorb_le64(crypto_generichash_state& st, std::uint64_t n) {
  unsigned char out[8];
  for (auto& byte : out) {
    byte = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  out[7] &= 0x7f;
  crypto_generichash_update(&st, out, sizeof(out));
}

/// t = BLAKE2b-256(Ak, PAE(h, n, c, f, i)), streaming PAE instead of
/// building it in memory.
void compute_tag(const token_keys& keys, const unsigned char* nonce,
                 const unsigned char* cipher, std::size_t cipher_len,
                 std::string_view footer, std::string_view implicit,
                 unsigned char* tag) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, keys.ak, sizeof(keys.ak), tag_bytes);
  auto piece = [&st](const unsigned char* data, std::size_t len) {
    absorb_le64(st, len);
    crypto_generichash_update(&st, data, len);
  };
  absorb_le64(st, 5);
  piece(as_bytes(header), header.size());
  piece(nonce, nonce_bytes);
  piece(cipher, cipher_len);
  piece(as_bytes(footer), footer.size());
  piece(as_bytes(implicit), implicit.size());
  crypto_generichash_final(&st, tag, tag_bytes);
}

void append_b64(std::string& out, const unsigned char* data, std::size_t len) {
  // ENCODED_LEN counts the terminating NUL that sodium_bin2base64 writes.
  std::string buf(sodium_base64_ENCODED_LEN(len, b64_variant), '\0');
  sodium_bin2base64(buf.data(), buf.size(), data, len, b64_variant);
  buf.pop_back();
  out += buf;
}

/// Strict base64url without padding: rejects padding, foreign characters
/// and non-zero trailing bits (vector 4-F-4), so each value has one token.
std::optional<bytes> decode_b64(std::string_view text) {
  bytes out(text.size() / 4 * 3 + 3);
  std::size_t out_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        nullptr, &out_len, &end, b64_variant) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(out_len);
  return out;
}

} // namespace

std::string paseto_v4_encrypt(const paseto_key& key, std::string_view payload,
                              std::string_view footer,
                              std::string_view implicit_assertion,
                              const unsigned char* nonce) {
  ensure_sodium_ready();
  // Layout of the body before encoding: n || c || t.
  bytes body(nonce_bytes + payload.size() + tag_bytes);
  unsigned char* n = body.data();
  unsigned char* c = n + nonce_bytes;
  unsigned char* t = c + payload.size();
  if (nonce != nullptr)
    std::copy(nonce, nonce + nonce_bytes, n);
  else
    randombytes_buf(n, nonce_bytes);
  token_keys keys{key, n};
  crypto_stream_xchacha20_xor(c, as_bytes(payload), payload.size(), keys.n2,
                              keys.ek);
  compute_tag(keys, n, c, payload.size(), footer, implicit_assertion, t);
  std::string token{header};
  append_b64(token, body.data(), body.size());
  if (!footer.empty()) {
    token += '.';
    append_b64(token, as_bytes(footer), footer.size());
  }
  return token;
}

std::optional<std::string>
paseto_v4_decrypt(const paseto_key& key, std::string_view token,
                  std::string_view footer,
                  std::string_view implicit_assertion) {
  ensure_sodium_ready();
  if (token.substr(0, header.size()) != header) return std::nullopt;
  auto rest = token.substr(header.size());
  auto dot = rest.find('.');
  auto body_b64 = rest.substr(0, dot);
  // A footer segment must be present exactly when one is expected; an empty
  // segment ("v4.local.xxx.") is never produced by the encoder.
  if (footer.empty() != (dot == std::string_view::npos)) return std::nullopt;
  if (!footer.empty()) {
    auto got = decode_b64(rest.substr(dot + 1));
    if (!got || got->size() != footer.size() ||
        sodium_memcmp(got->data(), footer.data(), footer.size()) != 0)
      return std::nullopt;
  }
  auto body = decode_b64(body_b64);
  if (!body || body->size() < nonce_bytes + tag_bytes) return std::nullopt;
  const unsigned char* n = body->data();
  const unsigned char* c = n + nonce_bytes;
  std::size_t c_len = body->size() - nonce_bytes - tag_bytes;
  const unsigned char* t = c + c_len;
  token_keys keys{key, n};
  unsigned char expected[tag_bytes];
  compute_tag(keys, n, c, c_len, footer, implicit_assertion, expected);
  // Constant time, so the comparison leaks nothing about where tags differ.
  if (sodium_memcmp(expected, t, tag_bytes) != 0) return std::nullopt;
  std::string payload(c_len, '\0');
  crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(payload.data()),
                              c, c_len, keys.n2, keys.ek);
  return payload;
}

} // namespace parley::auth
