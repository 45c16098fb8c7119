// What the HTTP side may read about the cluster (GET /readyz): written by
// the cluster actors, read by network threads, under a mutex since it
// changes only when members come and go.
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

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

    /// When this node registered.
    std::chrono::steady_clock::time_point since{};

    /// Joined and linked to every live member, so that every message to a
    /// user here reaches this node at once; after a grace period joined is
    /// enough, so that one node that cannot be linked (a wrong
    /// certificate) keeps no other node out of service.
    bool ready() const {
      if (!joined) return false;
      if (std::chrono::steady_clock::now() - since > link_grace) return true;
      for (const auto& name : expected)
        if (std::find(members.begin(), members.end(), name) == members.end())
          return false;
      return true;
    }
  };

  snapshot read() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return current_;
  }

  void set_joined(bool joined) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.joined = joined;
  }

  void set_members(std::vector<std::string> members) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.members = std::move(members);
  }

  void set_expected(std::vector<std::string> expected) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.expected = std::move(expected);
  }

  void enable(std::string node) {
    std::lock_guard<std::mutex> guard{mutex_};
    current_.enabled = true;
    if (current_.node.empty())
      current_.since = std::chrono::steady_clock::now();
    current_.node = std::move(node);
    current_.members = {current_.node};
  }

private:
  mutable std::mutex mutex_;
  snapshot current_;
};

} // namespace parley
