// The writer actor: the one place that writes to the database.
#pragma once

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "persistence/store.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// A message waiting for the next commit, with whoever awaits its ack.
struct pending_store {
  chat_message message;
  session_actor origin;
  caf::typed_response_promise<chat_message> promise;
};

/// State of the writer. Runs detached: every call below blocks on SQL.
struct writer_state {
  std::shared_ptr<persistence::store> db;
  registry_actor registry;
  std::vector<pending_store> stores;
  /// Delivery watermarks to raise, highest per user; they wait for
  /// marks_due (see mark_delay in writer.cpp).
  std::unordered_map<user_id, message_id> delivered;
  bool marks_timer = false; ///< a marks_atom is on its way
  bool marks_due = false;   ///< the next flush takes the marks along
  std::vector<persistence::presence_change> presence;
  bool flush_scheduled = false;
  /// Users who may have undelivered messages, each with the newest message
  /// id stored for them: loaded at start, grown by every commit, shrunk by
  /// claims that come back short and by delivery marks that reach the
  /// newest id. Claims for anyone else are answered without a query, which
  /// keeps connection set-up free of SQL. Not usable when loading failed.
  std::unordered_map<user_id, message_id> maybe_undelivered;
  bool maybe_undelivered_loaded = false;
  static inline const char* name = "writer";
};

/// Serializes all writes and batches whatever queues up during a commit
/// into the next transaction (ARCHITECTURE.md, natural batching).
writer_actor::behavior_type
writer_impl(writer_actor::stateful_pointer<writer_state> self,
            std::shared_ptr<persistence::store> db);

} // namespace parley
