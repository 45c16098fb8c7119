// What a scenario works with, and the three scenarios parley-bench runs.
#pragma once

#include "bench/accounts.hpp"
#include "bench/cli.hpp"
#include "bench/client/event_loop.hpp"
#include "bench/client/ws_pool.hpp"
#include "bench/ledger.hpp"
#include "bench/pairing.hpp"
#include "bench/report.hpp"
#include "bench/traffic.hpp"
#include "bench/user_setup.hpp"

namespace parley::bench {

/// Everything a scenario drives and fills; built by main.
struct run_context {
  const bench_options& options;
  event_loop& loop;
  account_desk& accounts;
  user_roster& roster;
  ledger& book;
  traffic& flow;
  ws_pool& pool;
  bench_result& result;
  random_recipients& picker; ///< --pairing random
};

/// conns: open every connection, hold them idle, check each still works.
void run_conns(run_context& ctx);

/// throughput: closed loop, each user keeps --inflight messages in flight.
void run_throughput(run_context& ctx);

/// rate: open loop at --rate messages per second in total.
void run_rate(run_context& ctx);

} // namespace parley::bench
