// The cluster's members as the shared database lists them (cluster mode
// only, PostgreSQL only): registration with a unique name, heartbeats, and
// removal of a node that left or died together with its presence rows.
#pragma once

#include <cstdint>
#include <libpq-fe.h>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "proto/cluster.hpp"

namespace parley::persistence {

/// One libpq connection of its own, so that heartbeats never wait behind
/// the writer's batches. Not thread-safe: owned by the membership actor.
class member_table {
public:
  /// Connects to a postgresql:// URL; error unavailable when it cannot.
  static caf::expected<std::unique_ptr<member_table>>
  open(const std::string& url);

  ~member_table();
  member_table(const member_table&) = delete;
  member_table& operator=(const member_table&) = delete;

  /// Registers this node and returns its incarnation (greater than any
  /// earlier start of the name). Error invalid_request when a live node
  /// (heartbeat within `stale_after_ms`) holds the name; a stale row of the
  /// name is removed first, with its presence rows.
  caf::expected<std::int64_t> join(const std::string& name,
                                   const std::string& host, std::uint16_t port,
                                   std::int64_t stale_after_ms);

  /// Refreshes the heartbeat; false when the row is gone or belongs to
  /// another incarnation (the others removed this node).
  caf::expected<bool> heartbeat(const std::string& name,
                                std::int64_t incarnation);

  /// Every registered node with the age of its heartbeat.
  caf::expected<std::vector<cluster_member>> members();

  /// Removes a node (it left, or its heartbeat went stale) unless the name
  /// was registered again meanwhile: its row and its presence rows, and
  /// users it held go offline unless another node holds them. Runs under
  /// the writers' commit lock, so presence stays consistent with theirs.
  caf::error remove(const std::string& name, std::int64_t incarnation);

private:
  member_table(PGconn* connection, std::string display);

  /// Reconnects when the connection was lost.
  caf::error ensure_connected();

  PGconn* connection_;
  std::string display_;
};

} // namespace parley::persistence
