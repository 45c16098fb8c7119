// The token parley-bench writes into every message's content, so that the
// receiving end can tell who sent it to whom, in which order, and whether
// it arrived intact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::bench {

/// What a token says about its message.
struct token_fields {
  std::uint32_t run = 0;       ///< random per run: older runs' messages differ
  std::uint32_t sender = 0;    ///< sender's user index
  std::uint32_t recipient = 0; ///< recipient's user index
  std::uint32_t seq = 0;       ///< per sender->recipient pair, from 0
  std::uint32_t msg = 0;       ///< per run, the ledger's record number
};

/// How a content string reads as a token.
enum class token_status {
  valid,   ///< well formed, checksum matches
  foreign, ///< not a parley-bench token at all
  corrupt, ///< starts like a token but is malformed or fails its checksum
};

/// Longest token append_token writes, in bytes.
constexpr std::size_t max_token_bytes = 2 + 8 + 4 * 9 + 9;

/// Appends "pb<run>.<sender>.<recipient>.<seq>.<msg>.<checksum>" in
/// lower-case hex; the checksum is FNV-1a over everything before it.
void append_token(std::string& out, const token_fields& fields);

/// Reads a token back; `out` is filled only when the result is valid.
token_status parse_token(std::string_view content, token_fields& out);

} // namespace parley::bench
