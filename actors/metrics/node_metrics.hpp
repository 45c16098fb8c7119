// What one node counts, by name: the instruments the actors and the
// gateway update where things happen, and GET /metrics writes out
// (gateway/admin/metrics_page.cpp). One set per process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "actors/metrics/instruments.hpp"
#include "proto/error_code.hpp"

namespace parley::metrics {

/// One counter per error code, indexed by the code.
using error_counters =
    std::array<counter, static_cast<std::size_t>(error_code::internal) + 1>;

/// The kinds of actor a node counts (parley_actors and the unexpected and
/// abnormal-exit counters). `cluster`: the peers and membership actors;
/// `hashing`: the pool's dispatcher and its workers.
enum class actor_kind : std::uint8_t {
  session,
  user,
  registry,
  writer,
  reader,
  hashing,
  cluster,
};

/// How many actor kinds there are.
constexpr std::size_t actor_kinds =
    static_cast<std::size_t>(actor_kind::cluster) + 1;

/// The label value of a kind, e.g. "session".
const char* kind_label(actor_kind kind);

/// One instrument per actor kind, indexed by the kind.
template <class Instrument>
using by_actor_kind = std::array<Instrument, actor_kinds>;

struct node_metrics {
  // WebSocket upgrades on /ws, by result.
  counter upgrades_accepted;
  counter upgrades_unauthorized; ///< no valid token
  counter upgrades_refused;      ///< not /ws, or bad stream options

  // Frames from clients (sessions).
  counter messages_received; ///< private_message frames
  counter acks_received;
  counter reads_received;
  error_counters error_frames; ///< error frames sent, by code
  /// From a private_message frame to the writer's answer (message_sent
  /// follows through the user actor), nanoseconds shown as seconds.
  histogram store_seconds{{500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000,
                           25'000'000, 50'000'000, 100'000'000, 250'000'000,
                           500'000'000, 1'000'000'000, 2'500'000'000,
                           5'000'000'000},
                          1e9};

  // Connections (gateway/server/ws_connection.cpp).
  counter frames_written; ///< frames the kernel accepted
  counter bytes_written;
  counter slow_consumer_closes; ///< closed with 1008: too much queued

  // Actors, by kind (actors/actor_census.hpp).
  by_actor_kind<gauge> actors;                ///< alive now
  by_actor_kind<counter> unexpected_messages; ///< taken by no handler
  by_actor_kind<counter> abnormal_exits;      ///< by the kind that watched

  // The registry.
  gauge users_online; ///< user actors on this node

  // The writer.
  gauge writer_mailbox;    ///< sampled at each flush
  counter messages_stored; ///< committed, first time (not duplicates)
  /// Messages per committed batch.
  histogram batch_rows{{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}};
  /// One commit's duration, nanoseconds shown as seconds.
  histogram commit_seconds{{250'000, 500'000, 1'000'000, 2'500'000, 5'000'000,
                            10'000'000, 25'000'000, 50'000'000, 100'000'000,
                            250'000'000, 1'000'000'000},
                           1e9};
};

/// This process's instruments.
node_metrics& node();

} // namespace parley::metrics
