// The session actor: one per WebSocket connection.
#pragma once

#include <cstddef>
#include <string>

#include "actors/connection_port.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// Who a session is and what it talks to; fixed at spawn.
struct session_config {
  connection_ptr connection;
  user_id user = 0;
  std::string username;
  message_id since = no_resume; ///< from ?since=, else no_resume
  std::size_t max_content_bytes = 0;
  registry_actor registry;
  writer_actor writer;
};

/// State of one session: its user actor once joined.
struct session_state {
  session_config config;
  user_actor user;
  static inline const char* name = "session";
};

/// Validates the client's frames, stores messages through the writer and
/// hands outbound frames to its connection.
session_actor::behavior_type
session_impl(session_actor::stateful_pointer<session_state> self,
             session_config config);

} // namespace parley
