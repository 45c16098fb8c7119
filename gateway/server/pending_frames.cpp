// The node-wide bound on unfinished frames (see pending_frames.hpp).
#include "gateway/server/pending_frames.hpp"

#include <utility>

namespace parley {

pending_frames::pending_frames(std::size_t limit) {
  set_limit(limit);
}

void pending_frames::set_limit(std::size_t limit) {
  limit_ = limit < 1 ? 1 : limit;
  resume_mark_ = limit_ - limit_ / 4;
}

bool pending_frames::add() {
  auto now = count_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (now < limit_) return true;
  paused_.store(true, std::memory_order_relaxed);
  return false;
}

bool pending_frames::full() const {
  return paused_.load(std::memory_order_relaxed);
}

void pending_frames::finish() {
  auto now = count_.fetch_sub(1, std::memory_order_relaxed) - 1;
  if (now >= resume_mark_ || !paused_.load(std::memory_order_relaxed)) return;
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    // Checked again under the lock: another finish may have woken them.
    if (!paused_.exchange(false, std::memory_order_relaxed)) return;
    woken.swap(waiting_);
  }
  for (auto& resume : woken)
    resume();
}

void pending_frames::when_below(std::function<void()> resume) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (paused_.load(std::memory_order_relaxed)) {
      waiting_.push_back(std::move(resume));
      return;
    }
  }
  resume();
}

} // namespace parley
