// A token key file for a node under test.
#include "tests/support/token_key_file.hpp"

#include <fstream>
#include <stdexcept>

namespace parley::testing {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

token_key_file::token_key_file(std::string_view hex, std::string_view suffix)
    : dir_("parley-key")
    , hex_(hex)
    , path_(dir_.file("token.key")) {
  std::ofstream out{path_, std::ios::binary};
  out << hex << suffix;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path_);
}

std::array<unsigned char, 32> token_key_file::key() const {
  return key_from_hex(hex_);
}

std::array<unsigned char, 32> key_from_hex(std::string_view hex) {
  std::array<unsigned char, 32> key{};
  if (hex.size() != 2 * key.size())
    throw std::runtime_error("a key needs 64 hex characters");
  for (std::size_t i = 0; i < key.size(); ++i) {
    auto high = hex_digit(hex[2 * i]);
    auto low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0)
      throw std::runtime_error("not a hex key: " + std::string(hex));
    key[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return key;
}

} // namespace parley::testing
