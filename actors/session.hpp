// The session actor: one per WebSocket connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/connection_port.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// Who a session is and what it talks to; fixed at spawn.
struct session_config {
  connection_ptr connection;
  user_id user = 0;
  std::string username;
  stream_options stream; ///< ?since=, ?device=, ?acks=
  std::size_t max_content_bytes = 0;
  registry_actor registry;
  writer_actor writer;
  /// How long a store may wait for its turn in the writer; past it the
  /// writer does not store it and the client hears "unavailable" (tests
  /// shorten it).
  std::chrono::milliseconds store_timeout = std::chrono::seconds(30);
  /// How long joining the registry may take (tests shorten it).
  std::chrono::milliseconds join_timeout = std::chrono::seconds(10);
};

/// State of one session: what it keeps of its config after joining and its
/// user actor once joined. Packed with care: one per connection.
struct session_state {
  connection_ptr connection;
  user_id id = 0;
  std::string username;
  writer_actor writer;
  user_actor user;
  registry_actor registry; ///< where typing indicators go
  /// Typing: to whom a "start" was relayed that no "stop" has ended yet (0:
  /// nobody), the generation of its expiry timer, and the rate limit (a
  /// token bucket, refilled by time since `typing_refilled_ms`).
  user_id typing_to = 0;
  std::int64_t typing_refilled_ms = 0;
  std::uint32_t typing_generation = 0;
  std::uint32_t typing_tokens = 0;
  /// Catch-up pages waiting for the outbound queue to drain.
  std::vector<caf::typed_response_promise<bool>> paced;
  std::uint32_t max_content_bytes = 0;
  std::chrono::milliseconds store_timeout{0};
  bool acks = false;
  static inline const char* name = "session";
};

/// Validates the client's frames, stores messages through the writer, hands
/// outbound frames to its connection and tells its user actor what the
/// client has confirmed (acks, or for clients that do not ack, writes).
session_actor::behavior_type
session_impl(session_actor::stateful_pointer<session_state> self,
             session_config config);

} // namespace parley
