// The node-wide bound on frames that sessions have not finished yet.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace parley {

/// Counts the inbound frames of all connections that their sessions have
/// not finished (a store waiting for the writer, a sync being replayed).
/// Past the bound every connection stops reading, so a writer that falls
/// behind slows clients down through TCP instead of growing mailboxes; the
/// per-connection bound alone lets 32 frames x 19,500 connections queue.
/// Safe to call from any thread.
class pending_frames {
public:
  /// `limit` frames at most; reading resumes below three quarters of it, so
  /// that paused connections do not flap at the edge.
  explicit pending_frames(std::size_t limit);

  /// The default bound (see --max-pending-frames).
  pending_frames()
      : pending_frames(4096) {}

  /// Sets the bound; only before the first connection.
  void set_limit(std::size_t limit);

  /// A frame went to a session; false when the node is now at its bound.
  bool add();

  /// A frame was finished; wakes the paused connections once the count has
  /// fallen below the resume mark.
  void finish();

  /// Whether connections must not read now.
  bool full() const;

  /// Runs `resume` (once) when the count falls below the resume mark, or
  /// at once when it already has. Runs on the finishing thread: post.
  void when_below(std::function<void()> resume);

  /// The count now (for tests and logs).
  std::size_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  std::size_t limit_;
  std::size_t resume_mark_;
  std::atomic<std::size_t> count_{0};
  std::atomic<bool> paused_{false};
  std::mutex mutex_; // guards waiting_
  std::vector<std::function<void()>> waiting_;
};

} // namespace parley
