// What one node counts, by name: the instruments the actors and the
// gateway update where things happen, and GET /metrics writes out
// (gateway/admin/metrics_page.cpp). One set per process.
#pragma once

#include "actors/metrics/instruments.hpp"

namespace parley::metrics {

struct node_metrics {
  // WebSocket upgrades on /ws, by result.
  counter upgrades_accepted;
  counter upgrades_unauthorized; ///< no valid token
  counter upgrades_refused;      ///< not /ws, or bad stream options

  // The writer.
  counter messages_stored; ///< committed, first time (not duplicates)
  /// Messages per committed batch.
  histogram batch_rows{{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}};
  /// One commit's duration, nanoseconds shown as seconds.
  histogram commit_seconds{{250'000, 500'000, 1'000'000, 2'500'000,
                            5'000'000, 10'000'000, 25'000'000, 50'000'000,
                            100'000'000, 250'000'000, 1'000'000'000},
                           1e9};
};

/// This process's instruments.
node_metrics& node();

} // namespace parley::metrics
