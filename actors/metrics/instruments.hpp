// The instruments the node's code updates where things happen: counters,
// gauges and histograms over relaxed atomics with fixed buckets. Updating
// one takes no lock and sends no actor message, so they stay on in
// production; GET /metrics reads them (gateway/admin).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace parley::metrics {

/// Only goes up (Prometheus counter).
class counter {
public:
  void add(std::uint64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::uint64_t> value_{0};
};

/// Goes up and down, or is set (Prometheus gauge).
class gauge {
public:
  void add(std::int64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  void sub(std::int64_t n = 1) noexcept { add(-n); }
  void set(std::int64_t n) noexcept {
    value_.store(n, std::memory_order_relaxed);
  }
  std::int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::int64_t> value_{0};
};

/// The most buckets a histogram has, +Inf not counted.
constexpr std::size_t max_buckets = 16;

/// Observations of whole units (nanoseconds, bytes, rows) in fixed
/// buckets. The exposition divides them by `per_base_unit` (1e9 shows
/// nanoseconds as seconds; a division of whole numbers keeps bounds such
/// as 0.005 exact). Bounds are the buckets' inclusive upper ends,
/// ascending.
class histogram {
public:
  histogram(std::initializer_list<std::uint64_t> bounds,
            double per_base_unit = 1.0);

  void observe(std::uint64_t value) noexcept;

  /// A consistent-enough copy for one scrape: counts per bucket (not
  /// cumulative), the +Inf bucket last.
  struct snapshot {
    std::array<std::uint64_t, max_buckets + 1> counts{};
    std::uint64_t sum = 0;
  };
  snapshot read() const noexcept;

  std::size_t bucket_count() const noexcept { return size_; }
  std::uint64_t bound(std::size_t i) const noexcept { return bounds_[i]; }
  double per_base_unit() const noexcept { return per_base_unit_; }

private:
  std::array<std::uint64_t, max_buckets> bounds_{};
  std::size_t size_ = 0;
  double per_base_unit_;
  std::array<std::atomic<std::uint64_t>, max_buckets + 1> counts_{};
  std::atomic<std::uint64_t> sum_{0};
};

} // namespace parley::metrics
