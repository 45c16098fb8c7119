// Long test inputs made of one unit repeated (hostile and limit cases).
#pragma once

#include <cstddef>
#include <string>

namespace parley::testing {

/// `unit` repeated `times` times.
inline std::string repeat(const std::string& unit, std::size_t times) {
  std::string result;
  result.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i)
    result += unit;
  return result;
}

} // namespace parley::testing
