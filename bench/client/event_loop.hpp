// The single-threaded event loop every connection of parley-bench runs on.
// Asio stays behind a pointer so that scenario code compiles without it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace parley::bench {

/// One io_context driven by the thread that calls run_until; all handlers,
/// timers and callbacks run on that thread.
class event_loop {
public:
  /// An idle loop aimed at no target yet.
  event_loop();
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  /// Resolves HOST:PORT once and adds it as the next target (numbered
  /// from 0 in the order added); false (and `error`) when it does not
  /// resolve.
  bool add_target(const std::string& host, std::uint16_t port,
                  std::string& error);

  /// How many targets were added.
  std::uint32_t target_count() const;

  /// Target number `target` as "HOST:PORT".
  const std::string& target_name(std::uint32_t target) const;

  /// Runs `fn` on the loop once `delay` has passed.
  void after(std::chrono::nanoseconds delay, std::function<void()> fn);

  /// Runs handlers until `done()` holds or `deadline` passes; returns done().
  bool run_until(const std::function<bool()>& done,
                 std::chrono::steady_clock::time_point deadline);

  /// Runs handlers for `duration`.
  void run_for(std::chrono::nanoseconds duration);

  /// The Asio side (bench/client/loop_impl.hpp); for the client units.
  struct impl;

  /// The Asio side, for the client units only.
  impl& native() { return *impl_; }

private:
  std::unique_ptr<impl> impl_;
};

/// One reusable timer on a loop, for callbacks that come back often (no
/// allocation per wait). Destroying it cancels the wait.
class loop_timer {
public:
  /// An idle timer on `loop`.
  explicit loop_timer(event_loop& loop);
  ~loop_timer();
  loop_timer(const loop_timer&) = delete;
  loop_timer& operator=(const loop_timer&) = delete;

  /// Runs `fn` once `delay` has passed; only while no wait is pending
  /// (e.g. from the previous callback).
  void start(std::chrono::nanoseconds delay, std::function<void()> fn);

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::bench
