// The user actor: one per online user on this node.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "actors/user_stream_order.hpp"
#include "proto/actor_interfaces.hpp"

namespace parley {

/// A live route held back while its session catches up, encoded.
struct held_route {
  message_id id = 0;
  shared_frame frame;
  bool is_ack = false; ///< message_sent or a receipt: never dropped
  user_id sender = 0;  ///< of an incoming_message, else 0
};

/// One attached session: how it wants its messages, where its catch-up
/// stands and what its stream has handed over and had confirmed.
struct attached_session {
  session_actor handle;
  std::string device; ///< whose delivery cursor this stream moves
  bool acks = false;  ///< opened with ?acks=1
  // Catch-up (a replay after since/sync, or the offline push).
  bool live = false;
  bool replay = false;        ///< both directions from a cursor, else a push
  bool claimed = false;       ///< a push knows its device cursor (base)
  std::uint64_t catch_up = 0; ///< generation; stale replies are ignored
  message_id position = 0;    ///< the next page starts after this id
  std::vector<chat_message> page; ///< the page being sent, from `next`
  std::size_t next = 0;
  std::uint64_t catch_up_messages = 0; ///< page messages handed over so far
  /// Live routes that arrived during catch-up, in id order; bounded: on
  /// overflow the copies are dropped and the catch-up reads further.
  std::vector<held_route> held;
  bool held_overflow = false;
  std::uint32_t syncs_owed = 0; ///< sync frames answered when this ends
  /// Cluster: the catch-up waits until the user's stream has a start; this
  /// is its cursor meanwhile (the stream's own since, or a sync's).
  bool catch_up_deferred = false;
  message_id deferred_since = no_resume;
  // The stream of frames this session has been handed.
  message_id handed = 0;    ///< highest message id of any frame handed over
  message_id base = 0;      ///< its messages to the user began above this id
  message_id confirmed = 0; ///< highest id reported to the writer
  /// Highest id of a message to the user handed over: the device's cursor
  /// counts only those, so confirmations above it move nothing.
  message_id handed_to_user = 0;
  /// Incoming messages handed over and not yet confirmed, with their
  /// senders: a confirmation turns them into delivered receipts. Bounded;
  /// the oldest go first (their receipts are then covered by later ones).
  std::vector<std::pair<message_id, user_id>> unconfirmed;
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
  /// Cluster mode: routes come from every node's writer and are put back
  /// in commit order here before any session sees them.
  bool chained = false;
  user_stream_order order;
  bool gap_read_scheduled = false;
  /// Presence (actors/user_presence), kept only once a session that hears
  /// of it (acks=1) attached: the peers of the user's conversations, those
  /// of them online as far as the sessions were told, and whether the
  /// database's list of them has been read.
  bool presence_wanted = false;
  bool peers_loaded = false;
  std::unordered_set<user_id> peers;
  std::unordered_set<user_id> online_peers;
  static inline const char* name = "user";
};

/// Fans messages out to every session of the user, drives resume (replay,
/// then live, with no gap and no duplicate) and the offline push, paced by
/// each connection's outbound queue, and turns what clients confirm into
/// delivery marks for their device. `chained` (cluster mode): routes are
/// ordered by their stream links, and catch-ups wait for chain_atom.
user_actor::behavior_type
user_impl(user_actor::stateful_pointer<user_state> self, user_id id,
          registry_actor registry, writer_actor writer, reader_actor reader,
          bool chained);

} // namespace parley
