// One-time libsodium initialisation shared by everything in gateway/auth.
#pragma once

namespace parley::auth {

/// Initialises libsodium on first call; safe from any thread, cheap after.
void ensure_sodium_ready();

} // namespace parley::auth
