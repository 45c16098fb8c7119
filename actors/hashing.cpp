// The hashing pool: a dispatcher on CAF's scheduler in front of detached
// workers. Each worker owns a helper process (actors/hash_helper.cpp) that
// computes argon2id at a lower CPU priority in a scheduling group of its
// own, so that a burst of logins costs logins latency, not messages. The
// worker blocks on its helper; the dispatcher never blocks.
//
// A job's life: queued ─► running on a worker ─► answered, worker idle.
// When its deadline passes first, the caller is answered with
// request_timeout at once, but the worker stays busy until its late result
// arrives (then dropped): it is still computing, and counting it idle
// would run more hashes than `workers` at once.
#include "actors/hashing.hpp"

#include <iostream>
#include <mutex>
#include <optional>
#include <sodium.h>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/hash_helper.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

/// Guarded by `mutex`: the worker replaces `helper` (under the lock) and
/// calls it (outside: only the worker does); the pool interrupts it at
/// shutdown.
struct helper_slot {
  std::mutex mutex;
  std::unique_ptr<hash_helper> helper;
  bool stopping = false;
};

namespace {

using self_pointer = hashing_pool_actor::stateful_pointer<hashing_state>;

/// Calls the observer's hooks around one job, when there is an observer.
class observed_job {
public:
  explicit observed_job(hashing_observer* observer)
      : observer_(observer) {
    if (observer_) observer_->job_started();
  }
  ~observed_job() {
    if (observer_) observer_->job_finished();
  }
  observed_job(const observed_job&) = delete;
  observed_job& operator=(const observed_job&) = delete;

private:
  hashing_observer* observer_;
};

/// A worker's state; everything here runs on the worker's own thread.
struct hash_worker_state {
  std::shared_ptr<helper_slot> slot;
  std::string executable; ///< empty: compute on this thread
  std::shared_ptr<hashing_observer> observer;
  static inline const char* name = "hash_worker";

  /// The helper to use, started on this thread when there is none (it dies
  /// with the thread that started it); null: compute here instead.
  hash_helper* helper() {
    std::lock_guard<std::mutex> guard{slot->mutex};
    if (slot->helper || executable.empty() || slot->stopping)
      return slot->helper.get();
    std::string error;
    slot->helper = hash_helper::start(executable, error);
    if (!slot->helper) {
      // Hashing still works, on this thread: said once per worker.
      std::cerr << "parley: hashing in the node itself: " << error << std::endl;
      executable.clear();
    }
    return slot->helper.get();
  }

  /// Drops a helper that failed; the next call starts a fresh one.
  void drop_helper() {
    std::lock_guard<std::mutex> guard{slot->mutex};
    slot->helper.reset();
  }

  bool stopping() {
    std::lock_guard<std::mutex> guard{slot->mutex};
    return slot->stopping;
  }

  /// `on_helper` on the helper (once more on a fresh one when the first
  /// turns out dead), or `here` without a helper; nullopt when helpers
  /// failed or the pool is stopping.
  template <class T, class OnHelper, class Here>
  std::optional<T> run(OnHelper on_helper, Here here) {
    observed_job job{observer.get()};
    for (int attempt = 0; attempt < 2 && !stopping(); ++attempt) {
      auto* current = helper();
      if (!current) return here();
      if (auto result = on_helper(*current)) return result;
      drop_helper();
    }
    return std::nullopt;
  }
};

using worker_pointer = hasher_actor::stateful_pointer<hash_worker_state>;

caf::error hashing_failed() {
  return make_error(error_code::unavailable, "password hashing failed");
}

/// A detached worker: blocking calls on a thread of its own. CAF 0.17 runs
/// a detached actor's behaviour factory on that thread too, so the helper
/// started here is tied to it.
hasher_actor::behavior_type
hash_worker(worker_pointer self, std::shared_ptr<helper_slot> slot,
            std::string executable,
            std::shared_ptr<hashing_observer> observer) {
  enter_census(self, metrics::actor_kind::hashing);
  auto& st = self->state;
  st.slot = std::move(slot);
  st.executable = std::move(executable);
  st.observer = std::move(observer);
  st.helper(); // started before the first login needs it
  return {
      [self](hash_atom,
             const std::string& password) -> caf::result<std::string> {
        auto hash = self->state.run<std::string>(
            [&](hash_helper& helper) { return helper.hash(password); },
            [&] {
              return std::optional<std::string>(argon2id_hash(password));
            });
        if (!hash) return hashing_failed();
        if (hash->empty())
          return make_error(error_code::overloaded,
                            "out of memory for hashing");
        return std::move(*hash);
      },
      [self](verify_atom, const std::string& hash,
             const std::string& password) -> caf::result<bool> {
        auto match = self->state.run<bool>(
            [&](hash_helper& helper) { return helper.verify(hash, password); },
            [&] {
              return std::optional<bool>(argon2id_verify(hash, password));
            });
        if (!match) return hashing_failed();
        return *match;
      },
  };
}

void start(self_pointer self, hashing_job job, hasher_actor worker) {
  auto& st = self->state;
  auto id = ++st.last_job_id;
  st.running[worker.address()] = running_job{id, std::move(job.fail)};
  self->delayed_send(caf::actor_cast<hashing_pool_actor>(self),
                     st.worker_timeout, deadline_atom::value, id);
  job.run(std::move(worker));
}

/// The worker's reply is in: true when its caller still waits for it (and
/// now counts as answered), false when the deadline or shutdown answered.
bool claim_answer(self_pointer self, const hasher_actor& worker) {
  auto found = self->state.running.find(worker.address());
  if (found == self->state.running.end() || !found->second.fail) return false;
  found->second.fail = nullptr;
  return true;
}

/// parley_hashing_queue_jobs, set wherever the queue changes.
void queue_changed(self_pointer self) {
  metrics::node().hashing_queue.set(
      static_cast<std::int64_t>(self->state.queue.size()));
}

void release(self_pointer self, hasher_actor worker) {
  self->state.running.erase(worker.address());
  auto& queue = self->state.queue;
  if (queue.empty()) {
    self->state.idle.push_back(std::move(worker));
    return;
  }
  auto job = std::move(queue.front());
  queue.pop_front();
  queue_changed(self);
  start(self, std::move(job), std::move(worker));
}

/// Answers the caller of job `id` with a timeout; its worker stays busy.
void expire(self_pointer self, std::uint64_t id) {
  for (auto& [worker, job] : self->state.running) {
    if (job.id != id || !job.fail) continue;
    auto fail = std::move(job.fail);
    job.fail = nullptr;
    fail(make_error(caf::sec::request_timeout));
    return;
  }
}

/// Runs a request now on an idle worker, later from the queue, or fails.
template <class T, class... Ts>
caf::result<T> dispatch(self_pointer self, Ts... xs) {
  auto promise = self->make_response_promise<T>();
  hashing_job job;
  job.fail = [promise](caf::error err) mutable {
    promise.deliver(std::move(err));
  };
  // No timeout on the request itself: its reply is what frees the worker,
  // and a timed-out request would drop it. The deadline is start()'s timer.
  job.run = [self, promise, xs...](hasher_actor worker) mutable {
    self->request(worker, caf::infinite, xs...)
        .then(
            [self, promise, worker](T& value) mutable {
              if (claim_answer(self, worker)) promise.deliver(std::move(value));
              release(self, worker);
            },
            [self, promise, worker](caf::error& err) mutable {
              if (claim_answer(self, worker)) promise.deliver(std::move(err));
              release(self, worker);
            });
  };
  auto& st = self->state;
  if (!st.idle.empty()) {
    auto worker = std::move(st.idle.back());
    st.idle.pop_back();
    start(self, std::move(job), std::move(worker));
  } else if (st.queue.size() < st.max_queued) {
    st.queue.push_back(std::move(job));
    queue_changed(self);
  } else {
    metrics::node().hashing_rejected.add();
    job.fail(make_error(error_code::overloaded));
  }
  return promise;
}

/// Shutdown: workers blocked on a helper return at once.
void interrupt_helpers(self_pointer self) {
  for (auto& slot : self->state.helpers) {
    std::lock_guard<std::mutex> guard{slot->mutex};
    slot->stopping = true;
    if (slot->helper) slot->helper->interrupt();
  }
}

/// Shutdown: nobody may wait out a timeout for a hash that will not come.
void answer_all(self_pointer self, const caf::error& err) {
  for (auto& [worker, job] : self->state.running)
    if (job.fail) job.fail(err);
  self->state.running.clear();
  for (auto& job : self->state.queue)
    job.fail(err);
  self->state.queue.clear();
  queue_changed(self);
}

} // namespace

hashing_pool_actor::behavior_type hashing_impl(self_pointer self,
                                               hashing_config config) {
  enter_census(self, metrics::actor_kind::hashing);
  if (sodium_init() < 0) CAF_RAISE_ERROR("libsodium failed to initialize");
  self->state.max_queued = config.max_queued;
  self->state.worker_timeout = config.worker_timeout;
  for (std::size_t i = 0; i < config.workers; ++i) {
    auto slot = std::make_shared<helper_slot>();
    self->state.helpers.push_back(slot);
    self->state.idle.push_back(self->spawn<caf::detached + caf::linked>(
        hash_worker, slot, config.helper_executable, config.observer));
  }
  self->set_exit_handler([self](caf::exit_msg& msg) {
    // A worker that crashed takes the pool down with it: say which.
    note_exit(self, metrics::actor_kind::hashing, msg.source, msg.reason);
    interrupt_helpers(self);
    answer_all(self, make_error(error_code::unavailable,
                                "the server is shutting down"));
    self->quit(msg.reason);
  });
  return {
      [self](hash_atom, const std::string& password) {
        return dispatch<std::string>(self, hash_atom::value, password);
      },
      [self](verify_atom, const std::string& hash,
             const std::string& password) {
        return dispatch<bool>(self, verify_atom::value, hash, password);
      },
      [self](deadline_atom, std::uint64_t id) { expire(self, id); },
  };
}

} // namespace parley
