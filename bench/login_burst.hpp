// --login-burst N: N clients that each keep one POST /login in flight for
// the whole measuring window, so that the server hashes passwords (argon2id)
// at full capacity next to the message stream being measured.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/client/event_loop.hpp"
#include "bench/login_counts.hpp"
#include "bench/users_file.hpp"

namespace parley::bench {

/// The login clients of one run. Everything runs on the loop's thread.
class login_burst {
public:
  /// `clients` clients logging in as `users` in turn (their passwords are
  /// derived from their names), spread round robin over the loop's
  /// targets; none when `clients` is 0.
  login_burst(event_loop& loop, const std::vector<bench_user>& users,
              std::uint32_t clients);
  ~login_burst();
  login_burst(const login_burst&) = delete;
  login_burst& operator=(const login_burst&) = delete;

  /// Every client sends a login, and another as soon as one is answered.
  void start();

  /// No new logins; those in flight still count.
  void stop();

  /// Runs the loop until no login is in flight or `deadline` passes.
  void finish(std::chrono::steady_clock::time_point deadline);

  /// What the logins met so far.
  login_counts counts() const;

private:
  struct state;
  std::shared_ptr<state> self_;
};

} // namespace parley::bench
