// The outbound frames of one connection, counted in bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace parley {

/// A FIFO of shared frames that allocates nothing while empty: an idle
/// connection must cost as few bytes as possible (a std::deque allocates
/// ~600 bytes up front). Owned by one connection strand; not thread-safe.
class frame_queue {
public:
  using frame = std::shared_ptr<const std::string>;

  /// Whether no frame is queued.
  bool empty() const { return head_ == frames_.size(); }

  /// Frames queued.
  std::size_t size() const { return frames_.size() - head_; }

  /// Bytes of all queued frames.
  std::size_t bytes() const { return bytes_; }

  /// The oldest frame; the queue must not be empty.
  const frame& front() const { return frames_[head_]; }

  /// Appends a frame.
  void push_back(frame x) {
    bytes_ += x->size();
    frames_.push_back(std::move(x));
  }

  /// Removes the oldest frame; gives the storage back once drained.
  void pop_front() {
    bytes_ -= frames_[head_]->size();
    frames_[head_++].reset();
    if (empty()) release();
  }

  /// Removes the newest frames until `keep` remain.
  void truncate(std::size_t keep) {
    while (size() > keep) {
      bytes_ -= frames_.back()->size();
      frames_.pop_back();
    }
    if (empty()) release();
  }

private:
  void release() {
    frames_ = std::vector<frame>{};
    head_ = 0;
  }

  std::vector<frame> frames_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
};

} // namespace parley
