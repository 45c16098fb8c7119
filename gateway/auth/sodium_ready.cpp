// One-time libsodium initialisation shared by everything in gateway/auth.
#include "gateway/auth/sodium_ready.hpp"

#include <cstdlib>
#include <sodium.h>

namespace parley::auth {

void ensure_sodium_ready() {
  // A function-local static is initialised exactly once even when several
  // threads get here first (C++11 magic statics); sodium_init itself is
  // idempotent, this only saves the repeated call.
  static const int status = sodium_init();
  // sodium_init fails only when the system cannot provide randomness; every
  // token would then be forgeable or unissuable, so refuse to go on.
  if (status < 0) std::abort();
}

} // namespace parley::auth
