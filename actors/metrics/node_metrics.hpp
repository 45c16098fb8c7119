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
using error_counters = std::array<counter, error_code_count>;

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
  admin,
};

/// How many actor kinds there are.
constexpr std::size_t actor_kinds =
    static_cast<std::size_t>(actor_kind::admin) + 1;

/// The label value of a kind, e.g. "session".
const char* kind_label(actor_kind kind);

/// One instrument per actor kind, indexed by the kind.
template <class Instrument>
using by_actor_kind = std::array<Instrument, actor_kinds>;

/// The routes of the public HTTP API, as parley_http_requests_total labels
/// them (gateway/http_api.cpp decides which a request is).
enum class http_route : std::uint8_t {
  users,         ///< POST /users (sign-up)
  login,         ///< POST /login
  user,          ///< GET /users/{username}
  messages,      ///< GET /messages
  conversations, ///< GET /conversations
  healthz,
  readyz,
  web,   ///< GET of the web client's files (/, /js/..., ...)
  other, ///< no route matched, or the request could not be read
};

/// How many route labels there are.
constexpr std::size_t http_routes =
    static_cast<std::size_t>(http_route::other) + 1;

/// The label value of a route, e.g. "/users/{username}".
const char* route_label(http_route route);

/// The HTTP statuses the API answers with, in the order of their counters;
/// any other status is counted in a last slot, "other".
constexpr std::array<int, 11> http_statuses{200, 201, 304, 400, 401, 404,
                                            405, 409, 413, 500, 503};

/// A request counter per route and status (the last: any other status).
using http_request_counters =
    std::array<std::array<counter, http_statuses.size() + 1>, http_routes>;

/// Counts one answered request.
void count_http_request(http_route route, int status);

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

  /// From a private_message frame to its message_sent handed to the
  /// session (through writer, registry and user actor), nanoseconds shown
  /// as seconds. A message_sent for a route read back from the database
  /// (a gap in a cluster) is not observed.
  histogram message_sent_seconds{{500'000, 1'000'000, 2'500'000, 5'000'000,
                                  10'000'000, 25'000'000, 50'000'000,
                                  100'000'000, 250'000'000, 500'000'000,
                                  1'000'000'000, 2'500'000'000, 5'000'000'000},
                                 1e9};

  // Connections (gateway/server/ws_connection.cpp).
  counter frames_written; ///< frames the kernel accepted
  counter bytes_written;
  counter slow_consumer_closes; ///< closed with 1008: too much queued

  // Actors, by kind (actors/actor_census.hpp).
  by_actor_kind<gauge> actors;                ///< alive now
  by_actor_kind<counter> unexpected_messages; ///< taken by no handler
  by_actor_kind<counter> abnormal_exits;      ///< by the kind that watched

  // The public HTTP API (gateway/http_api.cpp).
  http_request_counters http_requests;

  // The registry.
  gauge users_online;     ///< user actors on this node
  gauge registry_mailbox; ///< sampled every few routing messages

  // The user actors: what they hand to sessions for their connections.
  counter messages_delivered; ///< message frames, once per connection
  counter receipts_sent;      ///< delivered and read receipt frames
  /// Catch-ups started, by kind: the offline push (a connection without
  /// since) and the replay (since=, or a sync frame).
  counter pushes_started;
  counter replays_started;
  /// Messages each completed catch-up handed over, by kind.
  histogram push_messages{{0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000}};
  histogram replay_messages{{0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000}};

  // The hashing pool.
  gauge hashing_queue;      ///< jobs waiting for a worker
  counter hashing_rejected; ///< refused (503 overloaded): the queue was full

  // The database.
  counter database_reconnects; ///< a store's connection was made again

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
