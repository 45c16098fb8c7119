// Spellings of domain enums.
#include "proto/domain.hpp"

namespace parley {

const char* to_string(presence x) {
  return x == presence::online ? "online" : "offline";
}

} // namespace parley
