// Command-line options of the parley binary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "proto/limits.hpp"

namespace parley {

/// Cluster mode (off unless --cluster-listen is given).
struct cluster_options {
  bool enabled = false;
  std::string listen_host;       ///< CAF middleman's bind address
  std::uint16_t listen_port = 0; ///< 0 picks a free port
  std::string advertise_host;    ///< what peers are told; empty: the bound
  std::uint16_t advertise_port = 0;
  std::string node_name; ///< empty: derived from host and port
  std::string ca_file;   ///< mutual TLS between nodes: all three or none
  std::string cert_file;
  std::string key_file;
  bool insecure = false; ///< plain links on a non-loopback address
  std::uint64_t max_in_flight = 10000; ///< unconfirmed routes per peer
  bool tls() const { return !ca_file.empty(); }
};

/// The operators' listener: GET /metrics and /admin/*, never on the
/// public port.
struct admin_options {
  bool enabled = true;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 9090;
  /// Given by --admin-listen: failing to bind it is a start-up error; the
  /// default address, when taken, only gets a warning.
  bool address_given = false;
  std::string token_file; ///< bearer token the admin endpoints check
};

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
  cluster_options cluster;
  admin_options admin;
};

/// The parse found --help: print usage and exit 0.
struct help_requested {};

/// Parses argv; a string is a one-line error naming the offending flag.
std::variant<options, help_requested, std::string> parse_options(int argc,
                                                                 char** argv);

/// The --help text.
std::string usage_text();

} // namespace parley
