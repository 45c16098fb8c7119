// What the HTTP side may read about the cluster (GET /readyz, the admin
// view): written by the cluster actors, read by network threads and the
// admin actor, under a mutex since it changes only when members come and
// go (and the table once per beat).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "actors/cluster/cluster_history.hpp"
#include "proto/cluster.hpp"

namespace parley {

class cluster_view {
public:
  /// How long a starting node waits for its links before it serves anyway.
  static constexpr std::chrono::seconds link_grace{10};

  struct snapshot {
    bool enabled = false;             ///< cluster mode
    bool joined = false;              ///< registered, heartbeat current
    std::string node;                 ///< this node's name
    std::vector<std::string> members; ///< this node and the linked peers
    /// Live members in the table (fresh heartbeat), this node excluded.
    std::vector<std::string> expected;
    /// The live member that registered first, this node included.
    std::string oldest;
    /// This node's incarnation (the members table's).
    std::int64_t incarnation = 0;
    /// The members table as the last beat read it, this node included.
    std::vector<cluster_member> table;
    /// Linked peers whose routes are held back until they catch up.
    std::vector<std::string> behind;

    /// When this node registered.
    std::chrono::steady_clock::time_point since{};

    /// Links to the live members, this node counted as one.
    std::size_t linked_count() const {
      std::size_t linked = 1;
      for (const auto& name : expected)
        if (std::find(members.begin(), members.end(), name) != members.end())
          ++linked;
      return linked;
    }

    /// Joined and linked to every live member, so that every message to a
    /// user here reaches this node at once. After a grace period a quorum
    /// is enough: more than half of the live members (this node counted),
    /// or exactly half including the oldest. So one node that cannot be
    /// linked (a certificate from another CA, an address the others cannot
    /// reach) neither serves itself nor keeps the others out of service.
    bool ready() const {
      if (!joined) return false;
      auto linked = linked_count();
      auto total = expected.size() + 1;
      if (linked == total) return true;
      if (!grace_over()) return false;
      if (2 * linked != total) return 2 * linked > total;
      return oldest == node ||
             std::find(members.begin(), members.end(), oldest) != members.end();
    }

    /// Whether a starting node has waited long enough for its links.
    bool grace_over() const {
      return std::chrono::steady_clock::now() - since > link_grace;
    }
  };

  snapshot read() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return current_;
  }

  void set_table(std::vector<cluster_member> table) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.table = std::move(table);
  }

  void set_behind(std::vector<std::string> behind) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.behind = std::move(behind);
  }

  void set_incarnation(std::int64_t incarnation) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.incarnation = incarnation;
  }

  void set_joined(bool joined) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.joined = joined;
  }

  void set_members(std::vector<std::string> members) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.members = std::move(members);
  }

  void set_expected(std::vector<std::string> expected, std::string oldest) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.expected = std::move(expected);
    current_.oldest = std::move(oldest);
  }

  void enable(std::string node) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.enabled = true;
    if (current_.node.empty())
      current_.since = std::chrono::steady_clock::now();
    current_.node = std::move(node);
    current_.members = {current_.node};
  }

  /// Membership events and traffic (its own lock).
  cluster_history history;

private:
  mutable std::mutex mutex_;
  snapshot current_;
};

} // namespace parley
