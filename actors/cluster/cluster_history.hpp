// What happened in the cluster, for operators: the last membership events
// with their reasons, joins and losses counted by reason, and the routes
// exchanged with each peer. Written by the cluster actors, read by the admin
// actor and GET /metrics. Events are rare (a mutex); routes are counted per
// message, so each peer's counters are atomics the peers actor holds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "proto/domain.hpp"

namespace parley {

/// One change of membership as this node saw it.
struct cluster_event {
  timestamp_ms at = 0;
  std::string node;   ///< the node it is about
  std::string event;  ///< "joined", "lost", "removed", "rejoined"
  std::string reason; ///< e.g. "linked", "left", "remote_link_unreachable"
};

/// Routes (committed messages) exchanged with one peer, over all its links.
struct peer_traffic {
  std::atomic<std::uint64_t> routes_sent{0};
  std::atomic<std::uint64_t> routes_received{0};
};

class cluster_history {
public:
  /// The admin view shows this many events.
  static constexpr std::size_t kept_events = 100;

  /// Remembers an event; a "joined" or "lost" one is counted (losses by
  /// reason).
  void record(cluster_event x) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (x.event == "joined") ++joins_;
    if (x.event == "lost") ++losses_[x.reason];
    events_.push_back(std::move(x));
    if (events_.size() > kept_events) events_.pop_front();
  }

  /// The kept events, oldest first.
  std::vector<cluster_event> events() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return {events_.begin(), events_.end()};
  }

  std::uint64_t joins() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return joins_;
  }

  /// Links lost, by reason.
  std::map<std::string, std::uint64_t> losses() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return losses_;
  }

  /// The counters of a peer, made on first use; they outlive its links.
  std::shared_ptr<peer_traffic> traffic_of(const std::string& peer) {
    std::lock_guard<std::mutex> guard{mutex_};
    auto& entry = traffic_[peer];
    if (!entry) entry = std::make_shared<peer_traffic>();
    return entry;
  }

  /// Every peer's counters, by name.
  std::map<std::string, std::shared_ptr<peer_traffic>> traffic() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return traffic_;
  }

private:
  mutable std::mutex mutex_;
  std::deque<cluster_event> events_;
  std::uint64_t joins_ = 0;
  std::map<std::string, std::uint64_t> losses_;
  std::map<std::string, std::shared_ptr<peer_traffic>> traffic_;
};

} // namespace parley
