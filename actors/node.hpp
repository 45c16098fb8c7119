// Spawning and stopping the actors of one node.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/hashing.hpp"
#include "actors/session.hpp"
#include "persistence/store.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// The long-lived actors of a node.
struct node_actors {
  writer_actor writer;
  reader_actor reader;
  registry_actor registry;
  hasher_actor hasher;
};

/// Spawns writer and reader (detached, each owning one store), the
/// registry and the hashing pool, and wires them together; in a cluster,
/// with the peers actor (actors/cluster), else `cluster` is invalid.
node_actors spawn_node_actors(caf::actor_system& sys,
                              std::shared_ptr<persistence::store> writer_db,
                              std::shared_ptr<persistence::store> reader_db,
                              hashing_config hashing, caf::actor cluster = {});

/// Spawns the session actor of a freshly upgraded connection.
session_actor spawn_session(caf::actor_system& sys, session_config config);

/// Commits everything the writer has queued, then stops the node's actors.
/// Call after every session has ended, so that no store request can follow.
void stop_node_actors(caf::actor_system& sys, node_actors& actors);

} // namespace parley
