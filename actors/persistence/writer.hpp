// The writer actor: the one place that writes to the database.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/persistence/delivery_cursors.hpp"
#include "persistence/store.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// A message waiting for the next commit, with whoever awaits its ack.
struct pending_store {
  chat_message message;
  session_actor origin;
  timestamp_ms deadline = 0; ///< not stored once this has passed
  caf::typed_response_promise<chat_message, bool> promise;
};

/// While the database is unreachable: new stores are refused at once and
/// one loop with back-off probes it, instead of a retry per row.
struct database_outage {
  bool active = false;
  std::chrono::milliseconds retry_delay{0};
  std::chrono::steady_clock::time_point since;
  std::uint64_t refused = 0; ///< stores answered unavailable meanwhile
  /// The stores of the commit that failed: it may have been committed
  /// before the connection broke, so they wait and are written again under
  /// the same marker once the database is back.
  std::vector<pending_store> in_doubt;
  persistence::commit_marker in_doubt_marker;
};

/// A committed batch, as operators see it (GET /admin/node).
struct batch_record {
  timestamp_ms at = 0;
  std::uint32_t messages = 0;
  std::uint32_t commit_us = 0; ///< how long the commit took
};

/// The last batches, oldest first once full (a ring).
struct recent_batches {
  static constexpr std::size_t size = 8;
  std::array<batch_record, size> ring;
  std::uint64_t count = 0; ///< batches recorded; the next goes to count % size

  void record(batch_record x) { ring[count++ % size] = x; }
};

/// State of the writer. Runs detached: every call below blocks on SQL.
struct writer_state {
  std::shared_ptr<persistence::store> db;
  registry_actor registry;
  std::vector<pending_store> stores;
  delivery_cursors cursors;
  bool marks_timer = false; ///< a marks_atom is on its way
  bool marks_due = false;   ///< the next flush takes the marks along
  std::vector<persistence::presence_change> presence;
  /// Receipts wait with the marks: the highest per reader, sender and kind.
  std::map<std::tuple<user_id, user_id, bool>, message_id> receipts;
  /// Receipts for the registry, sent together at the next flush.
  std::vector<receipt> receipts_to_route;
  bool flush_scheduled = false;
  database_outage outage;
  /// Commit markers (persistence/store.hpp): a name unique to this run
  /// and the number of the last batch.
  std::string writer_name;
  std::uint64_t batches_made = 0;
  recent_batches last_batches;
  static inline const char* name = "writer";
};

/// Serializes all writes and batches whatever queues up during a commit
/// into the next transaction (ARCHITECTURE.md, natural batching).
/// `shared_database`: other nodes' writers write to the same database
/// (cluster mode; see delivery_cursors::share_database).
writer_actor::behavior_type
writer_impl(writer_actor::stateful_pointer<writer_state> self,
            std::shared_ptr<persistence::store> db,
            bool shared_database = false);

} // namespace parley
