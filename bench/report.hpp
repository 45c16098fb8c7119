// The outcome of a run: every figure in one struct, printed as a table for
// people and as one JSON line (the last line of output) for scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/cli.hpp"
#include "bench/latency.hpp"
#include "bench/ledger.hpp"
#include "bench/login_counts.hpp"
#include "bench/traffic.hpp"

namespace parley::bench {

/// Everything a run measured. Optional figures were not measurable (no
/// --server-pid, no --db-url, ...) and print as null.
struct bench_result {
  bench_options options;
  std::string setup_error; ///< the run could not be made (exit status 2)

  std::uint64_t conns_total = 0;
  std::uint64_t conns_opened = 0;
  std::uint64_t conns_failed = 0;
  std::string first_open_error;
  double setup_s = 0; ///< time to open them, logins excluded
  std::optional<std::uint64_t> rss_before_kib;   ///< server, before connecting
  std::optional<std::uint64_t> rss_after_kib;    ///< server, all connected
  std::optional<std::uint64_t> conns_still_open; ///< conns mode, after hold
  /// Users logged in again because the server refused their token while
  /// connecting; their logins fall between the two RSS readings.
  std::uint64_t tokens_refreshed = 0;

  ledger_counts messages;
  traffic_counts frames;
  window_counts window;
  double window_s = 0; ///< measured length of the window
  latency_summary latency;
  latency_summary ack_latency;
  double drain_s = 0; ///< time spent waiting for outstanding messages
  std::optional<login_counts> logins; ///< --login-burst only

  std::optional<double> cpu_server_s; ///< during the window
  std::optional<double> cpu_db_s;
  double cpu_tool_s = 0;

  std::optional<std::int64_t> db_rows_before;
  std::optional<std::int64_t> db_rows_after;
  std::string db_error;
};

/// Names of what went wrong ("lost", "duplicated", ...); empty when clean.
std::vector<std::string> problems(const bench_result& result);

/// 0 clean, 1 when problems() is not empty, 2 when the run failed to start.
int exit_status(const bench_result& result);

/// The human-readable table (several lines, ending in a newline).
std::string format_table(const bench_result& result);

/// The JSON object, on one line without a newline. Keys are documented in
/// bench/README.md and stay stable.
std::string format_json(const bench_result& result);

} // namespace parley::bench
