// Password hashing with libsodium's crypto_pwhash_str (argon2id). The work
// runs on detached workers, never on the network threads or CAF's
// scheduler, so a burst of logins cannot stall message traffic.
#include "actors/hashing.hpp"

#include <chrono>
#include <sodium.h>

#include <caf/all.hpp>

#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = hasher_actor::stateful_pointer<hashing_state>;

/// One worker's job may wait behind a full queue; hashing itself is ~0.1 s.
constexpr auto worker_timeout = std::chrono::seconds(60);

/// A detached worker: blocking argon2id calls on a thread of its own.
hasher_actor::behavior_type hash_worker() {
  return {
      [](hash_atom, const std::string& password) -> caf::result<std::string> {
        char out[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(out, password.data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
          return make_error(error_code::overloaded,
                            "out of memory for hashing");
        return std::string{out};
      },
      [](verify_atom, const std::string& hash, const std::string& password) {
        return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                        password.size()) == 0;
      },
  };
}

void start(self_pointer self, hashing_job job, hasher_actor worker) {
  self->state.running.emplace(worker.address(), std::move(job.fail));
  job.run(std::move(worker));
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

/// Runs a request now on an idle worker, later from the queue, or fails.
template <class T, class... Ts>
caf::result<T> dispatch(self_pointer self, Ts... xs) {
  auto promise = self->make_response_promise<T>();
  hashing_job job;
  job.fail = [promise](caf::error err) mutable {
    promise.deliver(std::move(err));
  };
  job.run = [self, promise, xs...](hasher_actor worker) mutable {
    self->request(worker, worker_timeout, xs...)
        .then(
            [self, promise, worker](T& value) mutable {
              promise.deliver(std::move(value));
              release(self, worker);
            },
            [self, promise, worker](caf::error& err) mutable {
              promise.deliver(std::move(err));
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
  for (auto& [worker, fail] : self->state.running)
    fail(err);
  self->state.running.clear();
  for (auto& job : self->state.queue)
    job.fail(err);
  self->state.queue.clear();
}

} // namespace

hasher_actor::behavior_type hashing_impl(self_pointer self,
                                         hashing_config config) {
  if (sodium_init() < 0) CAF_RAISE_ERROR("libsodium failed to initialize");
  self->state.max_queued = config.max_queued;
  for (std::size_t i = 0; i < config.workers; ++i)
    self->state.idle.push_back(
        self->spawn<caf::detached + caf::linked>(hash_worker));
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
  };
}

} // namespace parley
