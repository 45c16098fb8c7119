// Phases the scenarios share: opening connections, marking resource use,
// counting database rows, draining outstanding messages.
#pragma once

#include <cstdint>
#include <optional>

#include "bench/scenarios/scenario.hpp"

namespace parley::bench {

/// Resource counters at one moment.
struct resource_mark {
  std::int64_t at_ns = 0;
  std::optional<double> server_cpu_s;
  std::optional<double> db_cpu_s;
  double tool_cpu_s = 0;
};

/// Opens every connection with bounded parallelism, logs in again for
/// users whose token the server refuses, and fills the connection figures
/// of the result; true when all opened.
bool open_connections(run_context& ctx);

/// The set-up before traffic: RSS before and after opening every
/// connection, then the row count; false (with setup_error set) when not
/// every connection opened.
bool prepare_traffic(run_context& ctx);

/// Reads the counters of --server-pid (summed), --db-pid and this process.
resource_mark mark_resources(const bench_options& options);

/// Fills the window's length and CPU figures from two marks.
void record_window(bench_result& result, const resource_mark& begin,
                   const resource_mark& end);

/// Server RSS in KiB (summed over --server-pid), when given and readable.
std::optional<std::uint64_t> server_rss_kib(const bench_options& options);

/// Counts database rows before the traffic (--db-url only).
void count_rows_before(run_context& ctx);

/// Counts them after, once the traffic has drained.
void count_rows_after(run_context& ctx);

/// Waits up to --drain seconds for every expected delivery and answer,
/// sends the final acks (--ack-every) and waits briefly for them to leave,
/// then copies the ledger's and traffic's totals into the result.
void drain_and_collect(run_context& ctx);

/// The recipient of `sender`'s next message under --pairing.
std::uint32_t next_recipient(run_context& ctx, std::uint32_t sender);

} // namespace parley::bench
