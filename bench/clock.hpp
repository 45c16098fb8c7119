// The one clock parley-bench measures with: monotonic nanoseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace parley::bench {

/// Nanoseconds on the steady clock (arbitrary epoch, never goes back).
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Seconds to nanoseconds, for option values.
inline std::int64_t seconds_to_ns(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e9);
}

} // namespace parley::bench
