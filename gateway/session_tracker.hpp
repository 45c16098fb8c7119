// Counts live session actors so that shutdown can wait for the last one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "actors/session.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace parley {

/// Spawns sessions and tells when all of them have ended. The mutex is
/// touched once per session start and end, never per message.
class session_tracker {
public:
  /// Spawns a session actor and counts it until it terminates.
  session_actor spawn(caf::actor_system& sys, session_config config);

  /// Blocks until no session is alive or the timeout passes; true if none.
  bool wait_until_none(std::chrono::milliseconds timeout);

  /// Number of live sessions.
  std::size_t count();

private:
  void ended();

  std::mutex mutex_;
  std::condition_variable none_left_;
  std::size_t live_ = 0;
};

} // namespace parley
