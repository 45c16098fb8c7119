// What the gateway's connections share: options, token key and actors.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <caf/actor.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "actors/node.hpp"
#include "gateway/auth/paseto.hpp"
#include "gateway/options.hpp"
#include "gateway/server/pending_frames.hpp"
#include "gateway/session_tracker.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace parley {

/// Read-only after start, except the session tracker and the pending frame
/// count (both safe from any thread).
struct node_context {
  caf::actor_system& system;
  options opts;
  auth::paseto_key token_key;
  node_actors actors;
  session_tracker sessions;
  /// Frames all sessions have not finished; bounded by
  /// --max-pending-frames (set at start).
  pending_frames pending;
  /// The cluster as GET /readyz shows it (disabled on a single node).
  std::shared_ptr<cluster_view> cluster = std::make_shared<cluster_view>();
  /// The bearer token the admin endpoints require; empty: none (a
  /// loopback admin address without --admin-token-file).
  std::string admin_token;
  /// The operators' view of this node (actors/admin); set at start.
  caf::actor admin;
  /// POST /admin/drain: /readyz answers 503 and upgrades are refused, so
  /// that clients go to other nodes.
  std::atomic<bool> draining{false};
};

} // namespace parley
