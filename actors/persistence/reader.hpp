// The reader actor: read-only queries on a connection of its own.
#pragma once

#include <memory>

#include "persistence/store.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// State of the reader. Runs detached: every call blocks on SQL.
struct reader_state {
  std::shared_ptr<persistence::store> db;
  static inline const char* name = "reader";
};

/// Answers account lookups, history pages and replay pages, so that reads
/// never wait behind the writer's commits.
reader_actor::behavior_type
reader_impl(reader_actor::stateful_pointer<reader_state> self,
            std::shared_ptr<persistence::store> db);

} // namespace parley
