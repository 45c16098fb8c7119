// Counting what a process printed (log lines, status output) in tests.
#pragma once

#include <cstddef>
#include <string>

namespace parley::testing {

/// How often `part` occurs in `text`, without overlaps.
inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size()))
    ++count;
  return count;
}

} // namespace parley::testing
