// What a user actor tells operators about its sessions
// (GET /admin/users/{username}, through the registry).
#pragma once

#include <cstdint>
#include <string>

#include <caf/make_message.hpp>
#include <caf/result.hpp>

#include "actors/user_catch_up.hpp"

namespace parley {

/// Every session of the user on this node as a JSON array: what the user
/// actor knows of each (device, catch-up, cursors) and what its connection
/// tells (address, times, queue). A session that does not answer within a
/// second is still listed, without the connection's part.
caf::result<std::string> describe_sessions(user_pointer self);

/// Asks every session of the user to close with 4001; how many there were.
std::uint32_t kick_sessions(user_pointer self);

} // namespace parley
