// A latency histogram with microsecond resolution: exact below 2.048 ms,
// within 0.1 % above, allocated once and never again.
#pragma once

#include <cstdint>
#include <vector>

namespace parley::bench {

/// Percentiles of one histogram, in milliseconds (microsecond resolution).
struct latency_summary {
  std::uint64_t count = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
};

/// Counts durations in log-linear buckets (HdrHistogram's layout).
class latency_histogram {
public:
  /// An empty histogram covering 0 .. ~12 days.
  latency_histogram();

  /// Adds one duration; negative ones count as zero.
  void record_ns(std::int64_t ns);

  /// How many durations were recorded.
  std::uint64_t count() const { return count_; }

  /// The nearest-rank percentile `p` (0 < p <= 100) in microseconds: the
  /// highest value of the bucket holding it, never above the maximum.
  std::uint64_t percentile_us(double p) const;

  /// The largest duration recorded, in microseconds.
  std::uint64_t max_us() const { return max_us_; }

  /// The mean of the recorded durations, in microseconds.
  double mean_us() const;

  /// p50, p90, p99, p99.9, max and mean in milliseconds.
  latency_summary summary() const;

private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
  long double sum_us_ = 0;
};

} // namespace parley::bench
