// A token key file for a node under test, in its own temporary directory.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "tests/support/temp_dir.hpp"

namespace parley::testing {

/// The key tests give their nodes unless they need another.
constexpr std::string_view fixed_test_key_hex =
    "6b2f0a9c3e4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

/// A second key, for tokens the node must not accept.
constexpr std::string_view other_test_key_hex =
    "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";

/// A file holding `hex` and then `suffix`, removed with its directory on
/// destruction.
class token_key_file {
public:
  /// Writes the file; any text is written verbatim, so that tests can also
  /// make bad key files.
  explicit token_key_file(std::string_view hex = fixed_test_key_hex,
                          std::string_view suffix = "\n");

  /// Where the file is, for --token-key-file.
  const std::string& path() const { return path_; }

  /// The 32 key bytes, as gateway/auth's paseto_key holds them; throws
  /// std::runtime_error when the file was not made from 64 hex characters.
  std::array<unsigned char, 32> key() const;

private:
  temp_dir dir_;
  std::string hex_;
  std::string path_;
};

/// The 32 bytes that 64 hex characters stand for; throws
/// std::runtime_error on any other text.
std::array<unsigned char, 32> key_from_hex(std::string_view hex);

} // namespace parley::testing
