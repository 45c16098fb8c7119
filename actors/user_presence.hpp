// Presence and typing for a user actor's sessions: which peers' coming and
// going they hear of, and the typing indicators sent to the user.
#pragma once

#include "actors/user_catch_up.hpp"

namespace parley {

/// The first session that hears of presence (acks=1) attached: reads the
/// user's conversation peers and asks the registry to tell of their coming
/// and going; then every session hears, once, of each peer's state. Users
/// with plain connections only never pay for presence.
void want_presence(user_pointer self);

/// A routed message with `peer`: a new conversation is watched from now on,
/// and the sessions hear of the peer's state.
void note_peer(user_pointer self, user_id peer);

/// A session that just attached hears of each peer's state (if the peers
/// are known yet; otherwise want_presence tells it once they are).
void greet(user_pointer self, attached_session& entry);

/// A watched peer came online or went offline everywhere.
void tell_presence(user_pointer self, user_id peer, bool online);

/// Someone started or stopped typing to the user: every session hears.
void tell_typing(user_pointer self, const typing_notice& notice);

} // namespace parley
