// Session accounting for graceful shutdown.
#include "gateway/session_tracker.hpp"

#include <caf/all.hpp>

#include "actors/node.hpp"
#include "proto/type_ids.hpp"

namespace parley {

session_actor session_tracker::spawn(caf::actor_system& sys,
                                     session_config config) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    ++live_;
  }
  auto session = spawn_session(sys, std::move(config));
  // Runs on whichever thread terminates the actor.
  session->attach_functor([this] { ended(); });
  return session;
}

void session_tracker::ended() {
  std::lock_guard<std::mutex> guard{mutex_};
  if (--live_ == 0) none_left_.notify_all();
}

bool session_tracker::wait_until_none(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard{mutex_};
  return none_left_.wait_for(guard, timeout, [this] { return live_ == 0; });
}

std::size_t session_tracker::count() {
  std::lock_guard<std::mutex> guard{mutex_};
  return live_;
}

} // namespace parley
