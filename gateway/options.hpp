// Command-line options of the parley binary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "proto/limits.hpp"

namespace parley {

/// Everything the node can be told on its command line.
struct options {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string db_url = "sqlite:var/parley.db";
  std::string token_key_file; ///< empty: random key, with a warning
  std::int64_t token_ttl_seconds = 86400;
  std::size_t max_content_bytes = limits::max_content_bytes;
  std::size_t max_frame_bytes = limits::max_frame_bytes;
  std::size_t net_threads = 1;   ///< Asio threads owning the sockets
  std::size_t actor_threads = 2; ///< CAF scheduler workers
  std::size_t hash_workers = 2;  ///< concurrent argon2id computations
  /// Frames the node's sessions may have unfinished (stores waiting for
  /// the writer, syncs replaying) before every connection stops reading.
  std::size_t max_pending_frames = 4096;
};

/// The parse found --help: print usage and exit 0.
struct help_requested {};

/// Parses argv; a string is a one-line error naming the offending flag.
std::variant<options, help_requested, std::string> parse_options(int argc,
                                                                 char** argv);

/// The --help text.
std::string usage_text();

} // namespace parley
