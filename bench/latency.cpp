// A latency histogram in HdrHistogram's layout: 2048 exact microsecond
// buckets, then for every further power of two 1024 linear sub-buckets, so
// the relative error stays below 1/1024.
#include "bench/latency.hpp"

#include <algorithm>
#include <cmath>

namespace parley::bench {

namespace {

constexpr std::uint64_t sub_bucket_count = 2048;
constexpr std::uint64_t half_sub_bucket_count = sub_bucket_count / 2;
constexpr int sub_bucket_bits = 11; // log2(sub_bucket_count)

/// Longest duration kept apart: 2^40 us (~12.7 days); longer ones clamp.
constexpr int max_value_bits = 40;
constexpr std::uint64_t max_value_us = (std::uint64_t{1} << max_value_bits) - 1;
constexpr std::size_t bucket_slots =
    sub_bucket_count +
    (max_value_bits - sub_bucket_bits) * half_sub_bucket_count;

int highest_bit(std::uint64_t v) {
  return 63 - __builtin_clzll(v);
}

std::size_t index_of(std::uint64_t us) {
  if (us < sub_bucket_count) return static_cast<std::size_t>(us);
  int shift = highest_bit(us) - (sub_bucket_bits - 1);
  std::uint64_t sub = us >> shift; // in [1024, 2047]
  return static_cast<std::size_t>(sub_bucket_count +
                                  (shift - 1) * half_sub_bucket_count +
                                  (sub - half_sub_bucket_count));
}

/// The largest value that lands in bucket `index`.
std::uint64_t highest_in(std::size_t index) {
  if (index < sub_bucket_count) return index;
  auto rest = index - sub_bucket_count;
  auto shift = static_cast<int>(rest / half_sub_bucket_count) + 1;
  auto sub = rest % half_sub_bucket_count + half_sub_bucket_count;
  return ((sub + 1) << shift) - 1;
}

} // namespace

latency_histogram::latency_histogram()
    : counts_(bucket_slots, 0) {}

void latency_histogram::record_ns(std::int64_t ns) {
  auto us = ns <= 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(ns) / 1000;
  us = std::min(us, max_value_us);
  ++counts_[index_of(us)];
  ++count_;
  max_us_ = std::max(max_us_, us);
  sum_us_ += us;
}

std::uint64_t latency_histogram::percentile_us(double p) const {
  if (count_ == 0) return 0;
  // The small subtraction keeps 99.9 % of 1000 at rank 999, which binary
  // floating point would otherwise round up to 1000.
  auto exact = std::clamp(p, 0.0, 100.0) / 100.0 * count_;
  auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * count_));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_in(i), max_us_);
  }
  return max_us_;
}

double latency_histogram::mean_us() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_us_ / count_);
}

latency_summary latency_histogram::summary() const {
  latency_summary s;
  s.count = count_;
  s.p50_ms = percentile_us(50) / 1000.0;
  s.p90_ms = percentile_us(90) / 1000.0;
  s.p99_ms = percentile_us(99) / 1000.0;
  s.p999_ms = percentile_us(99.9) / 1000.0;
  s.max_ms = max_us_ / 1000.0;
  s.mean_ms = mean_us() / 1000.0;
  return s;
}

} // namespace parley::bench
