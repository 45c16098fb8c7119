// The registry actor: the hub that maps user ids to user actors.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor.hpp>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// A user actor and how many sessions the registry has sent it.
struct registry_entry {
  user_actor handle;
  std::uint64_t attaches_sent = 0;
  /// A session opened with ?acks=1 joined since the user actor started:
  /// only those get receipts, so the others' are not passed on. It stays
  /// set until the user actor retires (at worst a receipt the user actor
  /// has no session for).
  bool wants_receipts = false;
  /// The users whose presence it watches (to forget it when it retires).
  std::vector<user_id> watching;
};

/// State of the registry.
struct registry_state {
  writer_actor writer;
  reader_actor reader;
  /// Cluster mode: the node's link to the other nodes (actors/cluster);
  /// invalid on a single node.
  caf::actor cluster;
  std::unordered_map<user_id, registry_entry> users;
  /// Presence: for each user, the users here that want to hear when that
  /// user comes or goes (those with a conversation with them).
  std::unordered_map<user_id, std::vector<user_id>> watchers;
  /// Cluster: users with a connection on another node (the peers actor's
  /// directory says so). Online means here or there.
  std::unordered_set<user_id> elsewhere;
  std::uint32_t since_mailbox_sample = 0; ///< routing messages since
  static inline const char* name = "registry";
};

/// Spawns a user actor on a user's first session and retires it when its
/// last session has gone; routes committed messages to both users; owns
/// the presence transitions so that they reach the database in order, and
/// tells the users watching someone when that one comes or goes; relays
/// typing indicators. In a
/// cluster it also tells `cluster` which users are here and hands it every
/// committed message and receipt for the nodes that hold their users.
registry_actor::behavior_type
registry_impl(registry_actor::stateful_pointer<registry_state> self,
              writer_actor writer, reader_actor reader, caf::actor cluster);

} // namespace parley
