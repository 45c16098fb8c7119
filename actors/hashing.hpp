// Password hashing: a bounded pool of detached workers, each handing its
// argon2id work to a helper process of its own (actors/hash_helper.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// Test hooks, called on a worker's thread around each job (hash or
/// verify); production passes none.
class hashing_observer {
public:
  virtual ~hashing_observer() = default;
  /// A worker is about to run a job.
  virtual void job_started() = 0;
  /// That job has finished.
  virtual void job_finished() = 0;
};

/// Limits of the hashing pool. Each argon2id hash takes ~64 MiB and ~0.1 s,
/// so concurrency is bounded by workers and the backlog by a queue.
struct hashing_config {
  std::size_t workers = 2;
  std::size_t max_queued = 64;
  /// A job running longer is answered with request_timeout; its worker
  /// takes no other job until the late result is in.
  caf::timespan worker_timeout = std::chrono::seconds(60);
  /// The executable each worker starts with hash_helper_flag (the node's
  /// own, "/proc/self/exe"); empty: hash on the workers' own threads.
  std::string helper_executable = {};
  std::shared_ptr<hashing_observer> observer = nullptr; ///< tests only
};

/// One worker's helper process, shared with the pool so that shutdown can
/// interrupt a job blocked on it (defined in actors/hashing.cpp).
struct helper_slot;

/// The pool as it sees itself: the public interface plus its own timer.
using hashing_pool_actor = hasher_actor::extend<
    // pool → itself: the job with this number has run out of time.
    caf::reacts_to<deadline_atom, std::uint64_t>>;

/// One request waiting for or running on a worker.
struct hashing_job {
  std::function<void(hasher_actor)> run; ///< starts it on a worker
  std::function<void(caf::error)> fail;  ///< answers it with an error
};

/// A job on a worker. `fail` is empty once the caller has been answered
/// (by the deadline or shutdown) while the worker still computes.
struct running_job {
  std::uint64_t id = 0;
  std::function<void(caf::error)> fail;
};

/// State of the dispatcher in front of the workers.
struct hashing_state {
  std::vector<hasher_actor> idle;
  std::deque<hashing_job> queue;
  /// Jobs on a worker, by worker: a worker is busy until its reply comes.
  std::map<caf::actor_addr, running_job> running;
  std::uint64_t last_job_id = 0;
  std::size_t max_queued = 0;
  caf::timespan worker_timeout{};
  std::vector<std::shared_ptr<helper_slot>> helpers; ///< one per worker
  static inline const char* name = "hashing";
};

/// Spawns the detached workers and dispatches jobs to idle ones; answers
/// "overloaded" when the queue is full rather than growing without bound.
hashing_pool_actor::behavior_type
hashing_impl(hashing_pool_actor::stateful_pointer<hashing_state> self,
             hashing_config config);

} // namespace parley
