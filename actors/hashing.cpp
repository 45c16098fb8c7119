// Password hashing with libsodium's crypto_pwhash_str (argon2id). The work
// runs on detached workers, never on the network threads or CAF's
// scheduler, and at the lowest CPU priority, so a burst of logins cannot
// stall message traffic.
//
// A job's life: queued ─► running on a worker ─► answered, worker idle.
// When its deadline passes first, the caller is answered with
// request_timeout at once, but the worker stays busy until its late result
// arrives (then dropped): it is still computing, and counting it idle
// would run more hashes than `workers` at once.
#include "actors/hashing.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = hashing_pool_actor::stateful_pointer<hashing_state>;

/// Lowest nice value, for kernels or sandboxes that refuse SCHED_IDLE.
constexpr int lowest_nice = 19;

/// Puts the calling thread below every normal thread of the machine.
/// argon2id is ~0.1 s of pure CPU per login; at normal priority two workers
/// take both cores from the network thread, the actors and the database in
/// equal shares (p99 of unrelated messages went to 0.4-0.7 s during 150
/// logins). SCHED_IDLE runs a worker only when a core has nothing else to
/// do: a burst then costs logins latency, not messages. Logins starved by a
/// saturated machine time out and answer 503 rather than slow messages.
void yield_cpu_to_messaging() {
  sched_param param{};
  param.sched_priority = 0;
  auto error = pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
  if (error == 0) return;
  // On Linux PRIO_PROCESS with a thread id sets that thread's nice value.
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), lowest_nice) == 0)
    return;
  static std::once_flag reported;
  std::call_once(reported, [error] {
    std::cerr << "parley: hashing runs at normal CPU priority: "
              << std::strerror(error) << std::endl;
  });
}

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

/// A detached worker: blocking argon2id calls on a thread of its own. CAF
/// 0.17 runs a detached actor's behaviour factory on that thread too, so
/// the priority set here is the worker's and nobody else's.
hasher_actor::behavior_type
hash_worker(std::shared_ptr<hashing_observer> observer) {
  yield_cpu_to_messaging();
  return {
      [observer](hash_atom,
                 const std::string& password) -> caf::result<std::string> {
        observed_job job{observer.get()};
        char out[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(out, password.data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
          return make_error(error_code::overloaded,
                            "out of memory for hashing");
        return std::string{out};
      },
      [observer](verify_atom, const std::string& hash,
                 const std::string& password) {
        observed_job job{observer.get()};
        return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                        password.size()) == 0;
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

void release(self_pointer self, hasher_actor worker) {
  self->state.running.erase(worker.address());
  auto& queue = self->state.queue;
  if (queue.empty()) {
    self->state.idle.push_back(std::move(worker));
    return;
  }
  auto job = std::move(queue.front());
  queue.pop_front();
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
  } else {
    job.fail(make_error(error_code::overloaded));
  }
  return promise;
}

/// Shutdown: nobody may wait out a timeout for a hash that will not come.
void answer_all(self_pointer self, const caf::error& err) {
  for (auto& [worker, job] : self->state.running)
    if (job.fail) job.fail(err);
  self->state.running.clear();
  for (auto& job : self->state.queue)
    job.fail(err);
  self->state.queue.clear();
}

} // namespace

hashing_pool_actor::behavior_type hashing_impl(self_pointer self,
                                               hashing_config config) {
  if (sodium_init() < 0) CAF_RAISE_ERROR("libsodium failed to initialize");
  self->state.max_queued = config.max_queued;
  self->state.worker_timeout = config.worker_timeout;
  for (std::size_t i = 0; i < config.workers; ++i)
    self->state.idle.push_back(
        self->spawn<caf::detached + caf::linked>(hash_worker, config.observer));
  self->set_exit_handler([self](caf::exit_msg& msg) {
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
