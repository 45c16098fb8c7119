// The admin actor: one per node, the operators' view of it and, through the
// other nodes' admin actors, of the cluster. The HTTP admin endpoints
// (gateway/admin) and `parley ctl` (over the cluster port) both ask it, so
// the two views cannot disagree.
//
// Messages (dynamically typed: other nodes and `parley ctl` send them):
//   (status_atom) -> string                 this node, JSON (GET /admin/node)
//   (cluster_atom) -> string                every member as this node sees
//                                           it, each asked for its status
//                                           (GET /admin/cluster)
//   (user_atom, username) -> string         the user's connections on every
//                                           node (GET /admin/users/{name})
//   (kick_atom, username) -> string         closes them all with 4001
//   (drain_atom) -> string                  this node drains (POST
//   /admin/drain) (metrics_atom) -> string                the Prometheus page
//   from the other nodes' admin actors:
//   (describe_atom, user_id) -> string      the user's sessions here
//   (kick_atom, user_id) -> uint32          closes them here
// Errors: not_found for an unknown user.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "actors/node.hpp"

namespace parley {

/// What the admin actor needs from the process (gateway/main.cpp), as
/// callbacks so that actors stay free of Beast and the options. Each is
/// called on the admin actor's thread and must not block.
struct admin_hooks {
  std::function<std::string()> limits;       ///< limits in force, JSON object
  std::function<std::string()> metrics_page; ///< GET /metrics's text
  std::function<std::size_t()> connections;  ///< open WebSocket connections
  /// Starts draining (idempotent); answers the connections it closes.
  std::function<std::size_t()> drain;
  std::function<bool()> draining;
};

struct admin_config {
  std::string node;    ///< this node's name ("standalone" off cluster)
  std::string version; ///< of this build
  std::string backend; ///< "postgresql" or "sqlite"
  node_actors actors;
  caf::actor peers; ///< the cluster link, invalid on a single node
  std::shared_ptr<cluster_view> view;
  admin_hooks hooks;
};

struct admin_state {
  admin_config config;
  timestamp_ms started_at = 0;
  static inline const char* name = "admin";
};

caf::behavior admin_impl(caf::stateful_actor<admin_state>* self,
                         admin_config config);

} // namespace parley
