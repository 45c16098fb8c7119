// What the logins of --login-burst met: counts and latency. Beast-free, so
// that the report can print it.
#pragma once

#include <cstdint>

#include "bench/latency.hpp"

namespace parley::bench {

/// Logins during the window of a run with --login-burst.
struct login_counts {
  std::uint32_t clients = 0;    ///< logins kept in flight at once
  std::uint64_t ok = 0;         ///< answered 200
  std::uint64_t overloaded = 0; ///< answered 503 or 429, then retried
  std::uint64_t failed = 0;     ///< any other answer, or no answer
  latency_summary latency;      ///< first try to 200, retries included
};

} // namespace parley::bench
