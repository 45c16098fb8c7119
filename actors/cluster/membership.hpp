// The membership actor: this node's row in the shared members table.
//
// Every beat (1 s) it refreshes the heartbeat, reads the table and hands it
// to the peers actor, which links to members it does not know yet. A node
// whose heartbeat is older than `stale_after` and that no link reaches is
// removed from the table (with its presence rows), and so is any node whose
// heartbeat is very old; links alone decide nothing, so a database that is
// away for a while evicts nobody. It runs detached: every call blocks on its
// own database connection, never on the writer's.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "actors/cluster/peers.hpp"
#include "persistence/postgresql/member_table.hpp"

namespace parley {

/// Membership timing; the same on every node.
struct membership_timing {
  std::chrono::milliseconds beat{1000};
  /// A node whose heartbeat is this old and that no link reaches is gone.
  std::chrono::milliseconds stale_after{3000};
  /// A node whose heartbeat is this old is gone even if a link reaches it.
  std::chrono::milliseconds dead_after{10000};
};

struct membership_state {
  std::shared_ptr<persistence::member_table> table;
  node_identity me;
  std::string host; ///< the advertised cluster address
  std::uint16_t port = 0;
  caf::actor peers;
  std::shared_ptr<cluster_view> view;
  membership_timing timing;
  bool heartbeat_ok = true;
  /// Whether this node served when it last said so (report_readiness).
  std::optional<bool> reported_ready;
  /// Called when the others removed this node: its connections close, so
  /// that their clients resume elsewhere or here, on a node the others
  /// route to again.
  std::function<void()> on_removed;
  static inline const char* name = "membership";
};

/// `table` holds this node's row already (member_table::join).
caf::behavior membership_impl(caf::stateful_actor<membership_state>* self,
                              std::shared_ptr<persistence::member_table> table,
                              node_identity me, std::string host,
                              std::uint16_t port, caf::actor peers,
                              std::shared_ptr<cluster_view> view,
                              membership_timing timing,
                              std::function<void()> on_removed);

} // namespace parley
