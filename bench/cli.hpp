// parley-bench's command line: the options of one run and their parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::bench {

/// What a run measures.
enum class bench_mode { conns, throughput, rate };

/// Who sends to whom.
enum class pairing_kind { pairs, random };

/// Which server dialect the target speaks.
enum class protocol_kind { parley, seed };

/// Largest --conns-per-user: deliveries are tracked in a 64-bit mask.
constexpr std::uint32_t max_conns_per_user = 64;

/// Longest --user-prefix: usernames are prefix + 6 digits, at most 32 chars.
constexpr std::size_t max_user_prefix_chars = 24;

/// Most nodes --targets may name; far beyond any cluster we bench on one
/// machine, it only bounds a mistyped list.
constexpr std::size_t max_targets = 64;

/// One server address, as given on the command line.
struct target_address {
  std::string host; ///< "localhost" is read as 127.0.0.1; no brackets
  std::uint16_t port = 0;
  bool operator==(const target_address& other) const {
    return host == other.host && port == other.port;
  }
};

/// Everything one run is told on its command line.
struct bench_options {
  bench_mode mode = bench_mode::throughput;
  /// --target (one) or --targets (the nodes of a cluster, in order; the
  /// same node may appear twice). Index = node number in placement.hpp.
  std::vector<target_address> targets{{"127.0.0.1", 8080}};
  std::uint32_t users = 1000;
  std::uint32_t conns_per_user = 1;
  std::string users_file; ///< empty: sign up and log in every run
  std::uint32_t signup_parallelism = 8;
  std::uint32_t connect_parallelism = 64;
  std::string user_prefix = "bench_";
  std::uint32_t source_addresses = 16;
  /// --server-pid: the server's processes (a cluster's nodes); RSS and
  /// CPU are their sums. Empty: not measured.
  std::vector<int> server_pids;
  std::optional<int> db_pid;
  double warmup_s = 2;
  double window_s = 10;
  std::uint32_t inflight = 10;
  pairing_kind pairing = pairing_kind::pairs;
  double rate_per_s = 0;         ///< rate mode only; required there
  std::uint32_t login_burst = 0; ///< rate: logins in flight in the window
  double hold_s = 5;
  double drain_s = 5;
  std::string db_url; ///< empty: no row count
  protocol_kind protocol = protocol_kind::parley;
  /// Client acks: each connection opens with ?acks=1 and its own device
  /// and acks after every N incoming messages; 0: no acks (plain clients).
  std::uint32_t ack_every = 0;
  bool quiet = false;
};

/// The outcome of parsing: options, a request for help, or an error.
struct parse_result {
  std::optional<bench_options> options; ///< set when the line is valid
  bool help = false;                    ///< --help or -h was given
  std::string error;                    ///< one line, set on failure
};

/// Parses `args` (without the program name); never throws.
parse_result parse_command_line(const std::vector<std::string>& args);

/// The usage text printed for --help.
std::string usage_text();

/// "conns", "throughput" or "rate".
const char* mode_name(bench_mode mode);

/// "pairs" or "random".
const char* pairing_name(pairing_kind pairing);

/// "parley" or "seed".
const char* protocol_name(protocol_kind protocol);

/// "HOST:PORT" ("[HOST]:PORT" for an IPv6 host).
std::string target_text(const target_address& target);

/// Every target as "HOST:PORT", joined by commas, in order.
std::string targets_text(const std::vector<target_address>& targets);

} // namespace parley::bench
