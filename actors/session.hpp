// The session actor: one per WebSocket connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>

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
  /// How long a store may wait for its commit before the client hears
  /// "unavailable" (tests shorten it).
  std::chrono::duration<std::uint32_t, std::milli> store_timeout =
      std::chrono::seconds(30);
};

/// A store request the writer has not answered yet.
struct store_in_flight {
  std::uint32_t seq = 0; ///< the session's count of stores at sending
  caf::actor_clock::time_point deadline;
  std::string client_msg_id;
};

/// State of one session: what it keeps of its config after joining, its
/// user actor once joined, and its stores in flight, oldest first (their
/// deadlines grow in the same order). Packed with care: one per connection.
struct session_state {
  connection_ptr connection;
  user_id id = 0;
  std::string username;
  writer_actor writer;
  user_actor user;
  std::vector<store_in_flight> stores;
  std::uint32_t max_content_bytes = 0;
  std::uint32_t stores_sent = 0;
  decltype(session_config::store_timeout) store_timeout;
  bool deadline_check_scheduled = false;
  static inline const char* name = "session";
};

/// Validates the client's frames, stores messages through the writer and
/// hands outbound frames to its connection.
session_actor::behavior_type
session_impl(session_actor::stateful_pointer<session_state> self,
             session_config config);

} // namespace parley
