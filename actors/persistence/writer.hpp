// The writer actor: the one place that writes to the database.
#pragma once

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <unordered_set>
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
  /// Delivery watermarks to raise at the next flush, highest per user.
  std::unordered_map<user_id, message_id> delivered;
  std::vector<persistence::presence_change> presence;
  bool flush_scheduled = false;
  /// Users who may have undelivered messages: loaded at start, grown by
  /// every commit, shrunk by claims that come back short. Claims for
  /// anyone else are answered without a query, which keeps connection
  /// set-up free of SQL. Not usable when loading it failed.
  std::unordered_set<user_id> maybe_undelivered;
  bool maybe_undelivered_loaded = false;
  static inline const char* name = "writer";
};

/// Serializes all writes and batches whatever queues up during a commit
/// into the next transaction (ARCHITECTURE.md, natural batching).
writer_actor::behavior_type
writer_impl(writer_actor::stateful_pointer<writer_state> self,
            std::shared_ptr<persistence::store> db);

} // namespace parley
