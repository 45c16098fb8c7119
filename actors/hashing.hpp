// Password hashing: a bounded pool of detached argon2id workers.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// Limits of the hashing pool. Each argon2id hash takes ~64 MiB and ~0.1 s,
/// so concurrency is bounded by workers and the backlog by a queue.
struct hashing_config {
  std::size_t workers = 2;
  std::size_t max_queued = 64;
};

/// One request waiting for or running on a worker.
struct hashing_job {
  std::function<void(hasher_actor)> run; ///< starts it on a worker
  std::function<void(caf::error)> fail;  ///< answers it with an error
};

/// State of the dispatcher in front of the workers.
struct hashing_state {
  std::vector<hasher_actor> idle;
  std::deque<hashing_job> queue;
  /// Jobs on a worker, by worker, so that shutdown can answer them.
  std::map<caf::actor_addr, std::function<void(caf::error)>> running;
  std::size_t max_queued = 0;
  static inline const char* name = "hashing";
};

/// Spawns the detached workers and dispatches jobs to idle ones; answers
/// "overloaded" when the queue is full rather than growing without bound.
hasher_actor::behavior_type
hashing_impl(hasher_actor::stateful_pointer<hashing_state> self,
             hashing_config config);

} // namespace parley
