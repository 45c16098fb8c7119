// The node-wide bound on unfinished frames: when it is full, when paused
// connections are woken, and that every waiter is woken under contention.
#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "gateway/server/pending_frames.hpp"

using parley::pending_frames;

TEST_CASE("past its bound the count is full until it falls below three "
          "quarters, then the waiting connections are woken once") {
  pending_frames pending{4};
  CHECK(pending.add());
  CHECK(pending.add());
  CHECK(pending.add());
  CHECK_FALSE(pending.full());
  CHECK_FALSE(pending.add()); // the fourth reaches the bound
  CHECK(pending.full());
  int woken = 0;
  pending.when_below([&] { ++woken; });
  pending.when_below([&] { ++woken; });
  CHECK(woken == 0);
  pending.finish(); // 3: not below the resume mark of 3
  CHECK(woken == 0);
  CHECK(pending.full());
  pending.finish(); // 2: below it
  CHECK(woken == 2);
  CHECK_FALSE(pending.full());
  pending.finish();
  CHECK(woken == 2); // each waiter runs once
  pending.when_below([&] { ++woken; });
  CHECK(woken == 3); // not full: at once
  CHECK(pending.count() == 1);
}

TEST_CASE("a bound of one pauses after every frame and wakes after each") {
  pending_frames pending{1};
  CHECK_FALSE(pending.add());
  CHECK(pending.full());
  bool woken = false;
  pending.when_below([&] { woken = true; });
  pending.finish();
  CHECK(woken);
  CHECK_FALSE(pending.full());
}

TEST_CASE("under contention every paused connection is woken and the count "
          "returns to zero") {
  constexpr int threads = 8;
  constexpr int frames = 20000;
  pending_frames pending{16};
  std::atomic<int> paused{0};
  std::atomic<int> woken{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      for (int i = 0; i < frames; ++i) {
        if (!pending.add()) {
          ++paused;
          pending.when_below([&] { ++woken; });
        }
        pending.finish();
      }
    });
  for (auto& worker : workers)
    worker.join();
  CHECK(pending.count() == 0);
  CHECK_FALSE(pending.full());
  CHECK(woken == paused);
}
