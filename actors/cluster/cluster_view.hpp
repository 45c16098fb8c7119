// What the HTTP side may read about the cluster (GET /readyz): written by
// the cluster actors, read by network threads, under a mutex since it
// changes only when members come and go.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

namespace parley {

class cluster_view {
public:
  struct snapshot {
    bool enabled = false; ///< cluster mode
    bool joined = false;  ///< registered, heartbeat current
    std::string node;     ///< this node's name
    std::vector<std::string> members; ///< this node and the linked peers
    /// Live members in the table (fresh heartbeat), this node excluded.
    std::vector<std::string> expected;

    /// Joined and linked to every live member: only then does every
    /// message to a user here reach this node at once.
    bool ready() const {
      if (!joined) return false;
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
    current_.node = std::move(node);
    current_.members = {current_.node};
  }

private:
  mutable std::mutex mutex_;
  snapshot current_;
};

} // namespace parley
