// The user actor: one per online user on this node.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// One attached session and, while it catches up, the live traffic held
/// back for it.
struct attached_session {
  session_actor handle;
  bool live = false;          ///< false during replay or offline push
  std::uint64_t catch_up = 0; ///< generation; stale replies are ignored
  /// Live routes that arrived during catch-up, with their encoded frame.
  std::vector<std::pair<chat_message, shared_frame>> held;
  /// Offline push only: the messages claimed so far, sent when it ends.
  std::vector<chat_message> claimed;
  /// The highest id a catch-up handed over: live routes at or below it
  /// arrive late (they were overtaken by the catch-up) and are dropped.
  message_id sent_through = 0;
};

/// State of a user actor.
struct user_state {
  user_id id = 0;
  registry_actor registry;
  writer_actor writer;
  reader_actor reader;
  std::vector<attached_session> sessions;
  std::uint64_t attaches_seen = 0; ///< answers the registry's idle check
  std::uint64_t next_catch_up = 0;
  static inline const char* name = "user";
};

/// Fans messages out to every session of the user, drives resume (replay,
/// then live, with no gap and no duplicate) and the offline push.
user_actor::behavior_type
user_impl(user_actor::stateful_pointer<user_state> self, user_id id,
          registry_actor registry, writer_actor writer, reader_actor reader);

} // namespace parley
