// What the gateway's connections share: options, token key and actors.
#pragma once

#include "actors/node.hpp"
#include "gateway/auth/paseto.hpp"
#include "gateway/options.hpp"
#include "gateway/session_tracker.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace parley {

/// Read-only after start, except the session tracker (internally locked).
struct node_context {
  caf::actor_system& system;
  options opts;
  auth::paseto_key token_key;
  node_actors actors;
  session_tracker sessions;
};

} // namespace parley
