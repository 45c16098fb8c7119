#include "actors/metrics/instruments.hpp"

#include <stdexcept>

namespace parley::metrics {

histogram::histogram(std::initializer_list<std::uint64_t> bounds,
                     double per_base_unit)
    : per_base_unit_(per_base_unit) {
  if (bounds.size() == 0 || bounds.size() > max_buckets)
    throw std::invalid_argument("a histogram has 1 to 16 buckets");
  for (auto bound : bounds) {
    if (size_ > 0 && bound <= bounds_[size_ - 1])
      throw std::invalid_argument("histogram bounds must ascend");
    bounds_[size_++] = bound;
  }
}

void histogram::observe(std::uint64_t value) noexcept {
  std::size_t i = 0;
  while (i < size_ && value > bounds_[i])
    ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const noexcept {
  snapshot result;
  for (std::size_t i = 0; i <= size_; ++i)
    result.counts[i] = counts_[i].load(std::memory_order_relaxed);
  result.sum = sum_.load(std::memory_order_relaxed);
  return result;
}

} // namespace parley::metrics
