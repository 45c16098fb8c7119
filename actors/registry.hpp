// The registry actor: the hub that maps user ids to user actors.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// A user actor and how many sessions the registry has sent it.
struct registry_entry {
  user_actor handle;
  std::uint64_t attaches_sent = 0;
};

/// State of the registry.
struct registry_state {
  writer_actor writer;
  reader_actor reader;
  std::unordered_map<user_id, registry_entry> users;
  static inline const char* name = "registry";
};

/// Spawns a user actor on a user's first session and retires it when its
/// last session has gone; routes committed messages to both users; owns
/// the presence transitions so that they reach the database in order.
registry_actor::behavior_type
registry_impl(registry_actor::stateful_pointer<registry_state> self,
              writer_actor writer, reader_actor reader);

} // namespace parley
