// Presence and typing for a user actor's sessions (see user_presence.hpp).
//
// Like receipts, presence and typing frames go to connections opened with
// ?acks=1, the clients that speak the whole protocol; plain connections
// keep the seed design's set of frames.
//
// Presence frames carry no message id: they are not part of the ordered
// stream and go straight to each session, also during its catch-up. The
// registry decides who is online (users here, plus, in a cluster, users
// the other nodes hold); the user actor only keeps what its sessions were
// told, so that a new session hears the same.
#include "actors/user_presence.hpp"

#include <chrono>
#include <vector>

#include <caf/all.hpp>

#include "proto/json/server_frame.hpp"
#include "proto/limits.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// Reads of the peers and the registry's answer are small; a slow database
/// only delays presence, never messages.
constexpr auto presence_timeout = std::chrono::seconds(30);

void send_to_all(user_pointer self, const shared_frame& frame) {
  for (auto& entry : self->state.sessions)
    if (entry.acks) self->send(entry.handle, deliver_atom::value, frame);
}

void tell_session(user_pointer self, attached_session& entry, user_id peer) {
  if (!entry.acks) return;
  auto online = self->state.online_peers.count(peer) > 0;
  self->send(entry.handle, deliver_atom::value,
             make_shared_frame(json::encode_presence(peer, online)));
}

/// Asks the registry to watch `peers`; its answer names those online now,
/// and every session hears of each of `peers`.
void watch(user_pointer self, std::vector<user_id> peers) {
  if (peers.empty()) return;
  auto& st = self->state;
  self->request(st.registry, presence_timeout, watch_atom::value, st.id, peers)
      .then(
          [self, peers](std::vector<user_id>& online) {
            auto& st = self->state;
            for (auto peer : online)
              st.online_peers.insert(peer);
            for (auto peer : peers)
              for (auto& entry : st.sessions)
                tell_session(self, entry, peer);
          },
          [](caf::error&) {
            // The registry is stopping (shutdown): nobody is left to tell.
          });
}

} // namespace

void want_presence(user_pointer self) {
  auto& st = self->state;
  if (st.presence_wanted) return;
  st.presence_wanted = true;
  self->request(st.reader, presence_timeout, peers_atom::value, st.id,
                static_cast<std::uint32_t>(limits::max_presence_peers))
      .then(
          [self](std::vector<user_id>& loaded) {
            auto& st = self->state;
            st.peers_loaded = true;
            // Peers met in routes meanwhile were noted but not watched.
            for (auto peer : loaded)
              st.peers.insert(peer);
            watch(self, std::vector<user_id>(st.peers.begin(), st.peers.end()));
          },
          [self](caf::error&) {
            // The database is away: presence starts with new conversations
            // only (routes still add their peers).
            self->state.peers_loaded = true;
            auto& peers = self->state.peers;
            watch(self, std::vector<user_id>(peers.begin(), peers.end()));
          });
}

void note_peer(user_pointer self, user_id peer) {
  auto& st = self->state;
  if (!st.presence_wanted || peer == st.id || !st.peers.insert(peer).second)
    return;
  if (st.peers_loaded) watch(self, {peer});
}

void greet(user_pointer self, attached_session& entry) {
  if (!self->state.peers_loaded) return;
  for (auto peer : self->state.peers)
    tell_session(self, entry, peer);
}

void tell_presence(user_pointer self, user_id peer, bool online) {
  auto& st = self->state;
  if (online)
    st.online_peers.insert(peer);
  else
    st.online_peers.erase(peer);
  send_to_all(self, make_shared_frame(json::encode_presence(peer, online)));
}

void tell_typing(user_pointer self, const typing_notice& notice) {
  if (notice.sender == self->state.id) return; // typing to oneself
  send_to_all(self, make_shared_frame(
                        json::encode_typing(notice.sender, notice.typing)));
}

} // namespace parley
