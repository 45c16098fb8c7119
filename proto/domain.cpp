// Spellings of domain enums, and the wall clock.
#include "proto/domain.hpp"

#include <chrono>

namespace parley {

timestamp_ms wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

const char* to_string(presence x) {
  return x == presence::online ? "online" : "offline";
}

} // namespace parley
