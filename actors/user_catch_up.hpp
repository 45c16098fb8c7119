// Catch-up of one session of a user actor: the offline push and the replay.
#pragma once

#include "actors/user.hpp"

namespace parley {

using user_pointer = user_actor::stateful_pointer<user_state>;

/// The attached session with this address, or nullptr.
attached_session* find_session(user_pointer self, const caf::actor_addr& who);

/// Hands one frame to a session and notes its id as handed over;
/// `sender` is the sender of an incoming_message (0 for other frames).
void hand_over(user_pointer self, attached_session& entry,
               const shared_frame& frame, user_id sender = 0);

/// Starts (or restarts, for a sync) a session's catch-up: a replay of
/// everything to or from the user after `since`, or with no_resume the
/// push of what the session's device has not confirmed. Live routes for it
/// are held meanwhile and merged into its stream in id order.
void start_catch_up(user_pointer self, attached_session& entry,
                    message_id since);

/// Holds a live route for a session that is catching up.
void hold(attached_session& entry, held_route route);

} // namespace parley
