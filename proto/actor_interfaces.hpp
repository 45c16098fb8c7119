// The typed interfaces of Parley's actors: who may send what to whom.
//
// Message path of one private message:
//   connection ─frame─► session ─store─► writer ─(commit)─► registry
//     ─route─► user (recipient and sender) ─deliver─► session ─► connection
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "proto/admin.hpp"
#include "proto/atoms.hpp"
#include "proto/domain.hpp"
#include "proto/shared_frame.hpp"

namespace parley {

/// One WebSocket session (actors/session).
using session_actor = caf::typed_actor<
    // connection → session: one text frame as the client sent it.
    caf::reacts_to<frame_atom, std::string>,
    // user actor → session: an encoded frame to write to the socket.
    caf::reacts_to<deliver_atom, shared_frame>,
    // connection → session: the socket is gone; finish and exit.
    caf::reacts_to<closed_atom>,
    // connection → session: every frame up to the one carrying this message
    // id has been handed to the kernel.
    caf::reacts_to<written_atom, message_id>,
    // user → session: answer once the connection's outbound queue is low
    // again (catch-up pages wait for it).
    caf::replies_to<pace_atom>::with<bool>,
    // connection → session: the outbound queue fell below its low mark.
    caf::reacts_to<drained_atom>,
    // user → session: this many sync frames have been answered in full.
    caf::reacts_to<synced_atom, std::uint32_t>,
    // user → session (operators): what the connection tells of itself.
    caf::replies_to<describe_atom>::with<connection_info>,
    // user → session (operators): close the connection with 4001.
    caf::reacts_to<kick_atom>,
    // session → itself: the "start" relayed as this generation has had no
    // "stop" for limits::typing_expiry; relay one.
    caf::reacts_to<typing_atom, std::uint64_t>>;

/// One online user on this node (actors/user).
using user_actor = caf::typed_actor<
    // registry → user: a new session and how it wants its messages.
    caf::reacts_to<attach_atom, session_actor, stream_options>,
    // registry → user: a committed message to or from this user; `origin` is
    // the session that sent it (it gets message_sent instead of a copy).
    caf::reacts_to<route_atom, chat_message, session_actor>,
    // session → user: replay everything after the id, then go live again.
    caf::reacts_to<sync_atom, session_actor, message_id>,
    // session → user: the session's client has every message of its stream
    // up to this id (an ack, or a write completion for clients that do not
    // ack): the delivery cursor of its device may move.
    caf::reacts_to<confirm_atom, session_actor, message_id>,
    // session → user: its client has read the peer's messages up to the id.
    caf::reacts_to<read_atom, session_actor, user_id, message_id>,
    // registry → user: a receipt for messages this user sent; every session
    // hears of it.
    caf::reacts_to<receipt_atom, receipt>,
    // registry → user (cluster): every node knows the user is here; the
    // stream may start and the sessions' catch-ups run.
    caf::reacts_to<chain_atom>,
    // user → itself (cluster): a route still waits for its predecessor.
    caf::reacts_to<gap_atom>,
    // registry → user (cluster): a link to a node came back; read what its
    // routes may have missed meanwhile.
    caf::reacts_to<resync_atom>,
    // registry → user (operators): every session of the user here, as a
    // JSON array (actors/admin/admin_json.hpp).
    caf::replies_to<describe_atom>::with<std::string>,
    // registry → user (operators): close every session with 4001; answers
    // how many there were.
    caf::replies_to<kick_atom>::with<std::uint32_t>,
    // registry → user: a user this one has a conversation with came online
    // (true) or went offline everywhere; every session hears of it.
    caf::reacts_to<presence_atom, user_id, bool>,
    // registry → user: someone started or stopped typing to this user.
    caf::reacts_to<typing_atom, typing_notice>,
    // registry → user: no session is left and none is on its way; exit.
    caf::reacts_to<stop_atom>,
    // registry → user (shutdown): answer once everything before this was
    // handled, so that the marks it sent reach the writer first.
    caf::replies_to<drain_atom>::with<bool>>;

/// The hub: user id → user actor (actors/registry).
using registry_actor = caf::typed_actor<
    // session → registry: attach me to my user (spawned on first session).
    caf::replies_to<join_atom, user_id, std::string, session_actor,
                    stream_options>::with<user_actor>,
    // user → registry: my last session left after `joins_seen` attaches.
    caf::reacts_to<idle_atom, user_id, std::uint64_t>,
    // writer → registry: a message was committed; tell both users (and, in
    // a cluster, the nodes that hold either).
    caf::reacts_to<route_atom, chat_message, session_actor>,
    // cluster → registry: a message committed on another node.
    caf::reacts_to<remote_atom, chat_message>,
    // cluster → registry: receipts from another node.
    caf::reacts_to<remote_atom, std::vector<receipt>>,
    // cluster → registry: a link to a node came back after it was lost:
    // every user actor reads what it may have missed.
    caf::reacts_to<resync_atom>,
    // writer → registry: the receipts queued since its last commit, each
    // for its sender's user actor if online and acking (and, in a cluster,
    // for the nodes that hold the sender).
    caf::reacts_to<receipt_atom, std::vector<receipt>>,
    // user → registry: the user (online here) wants to hear when these
    // peers come and go; answers those of them online now.
    caf::replies_to<watch_atom, user_id,
                    std::vector<user_id>>::with<std::vector<user_id>>,
    // cluster → registry: the user has a connection on some other node
    // (true) or on none; with the users here, that makes presence.
    caf::reacts_to<presence_atom, user_id, bool>,
    // session → registry: its user started or stopped typing to someone.
    caf::reacts_to<typing_atom, typing_notice>,
    // cluster → registry: the same, from a connection on another node.
    caf::reacts_to<remote_atom, typing_notice>,
    // admin → registry: the user's sessions here as a JSON array ("[]"
    // when the user has none here).
    caf::replies_to<describe_atom, user_id>::with<std::string>,
    // admin → registry: close the user's sessions here with 4001; answers
    // how many there were.
    caf::replies_to<kick_atom, user_id>::with<std::uint32_t>,
    // main → registry (shutdown, after the last session ended): answer once
    // every user actor has handled what its sessions told it.
    caf::replies_to<drain_atom>::with<bool>>;

/// The single writer to the database (actors/persistence).
using writer_actor = caf::typed_actor<
    // session → writer: store a message unless the deadline (ms since the
    // epoch) has passed before its turn; the reply comes after commit: the
    // stored message and whether it was a resend of a stored client_msg_id.
    caf::replies_to<store_atom, chat_message, session_actor,
                    timestamp_ms>::with<chat_message, bool>,
    // http api → writer: create an account (username, password hash).
    caf::replies_to<create_atom, std::string, std::string>::with<user_record>,
    // user → writer: a page of messages to a user's device, in id order,
    // after `after` (no_resume: after the device's cursor), with the cursor
    // it started from. Reads only: nothing counts as delivered by this.
    caf::replies_to<claim_atom, user_id, std::string,
                    message_id>::with<message_id, std::vector<chat_message>>,
    // user → writer: the device has every message to the user up to
    // `through`, proven by a stream that began at `base` (delivery_mark),
    // and the delivered receipts that confirmation makes: stored (merged,
    // committed with the marks) and passed on to the registry.
    caf::reacts_to<delivered_atom, user_id, std::string, message_id, message_id,
                   std::vector<receipt>>,
    // user → writer: a read receipt, stored and passed on like those.
    caf::reacts_to<receipt_atom, receipt>,
    // registry → writer: presence transition (true = online).
    caf::reacts_to<presence_atom, user_id, bool>,
    // main → writer: the registry that hears of every committed message.
    caf::reacts_to<registry_actor>,
    // main → writer: commit everything queued, then reply (shutdown).
    caf::replies_to<drain_atom>::with<bool>,
    // writer → itself: commit what queued up while the last commit ran.
    caf::reacts_to<flush_atom>,
    // writer → itself: the delivery marks waiting since the first are due.
    caf::reacts_to<marks_atom>,
    // writer → itself: in an outage, see whether the database is back.
    caf::reacts_to<probe_atom>,
    // admin → writer: its queue, the database's state and the last batches
    // as JSON (actors/admin/admin_json.hpp).
    caf::replies_to<status_atom>::with<std::string>>;

/// Read-only queries on their own connection (actors/persistence).
using reader_actor = caf::typed_actor<
    // http api → reader: an account by username (error not_found).
    caf::replies_to<account_atom, std::string>::with<account>,
    // http api → reader: conversation of two users, newest first, ids below
    // the cursor (0 = no cursor), at most `limit`.
    caf::replies_to<history_atom, user_id, user_id, message_id,
                    std::uint32_t>::with<std::vector<chat_message>>,
    // http api → reader: whether the database answers (GET /readyz).
    caf::replies_to<probe_atom>::with<bool>,
    // user → reader: the newest message id to or from a user (0: none).
    caf::replies_to<last_atom, user_id>::with<message_id>,
    // admin → reader: messages to a user its least advanced device has not
    // confirmed (GET /admin/users/{username}).
    caf::replies_to<backlog_atom, user_id>::with<std::int64_t>,
    // user → reader: messages to or from a user after an id, in id order.
    caf::replies_to<replay_atom, user_id, message_id,
                    std::uint32_t>::with<std::vector<chat_message>>,
    // user → reader: the receipts for messages a user sent, newest first,
    // at most `limit` (replayed to a client that resumes).
    caf::replies_to<receipts_atom, user_id,
                    std::uint32_t>::with<std::vector<receipt>>,
    // http api → reader: a user's conversations, newest first, whose last
    // message is below the cursor (0 = no cursor), at most `limit`.
    caf::replies_to<inbox_atom, user_id, message_id,
                    std::uint32_t>::with<std::vector<conversation_summary>>,
    // user → reader: the user's conversation peers, most recent first, at
    // most `limit` (whose presence the user hears of).
    caf::replies_to<peers_atom, user_id,
                    std::uint32_t>::with<std::vector<user_id>>,
    // http api → reader: users whose name starts with the prefix (any
    // case), by name, without `exclude`, at most `limit`.
    caf::replies_to<search_atom, std::string, user_id,
                    std::uint32_t>::with<std::vector<user_record>>>;

/// Password hashing off the network threads and scheduler (actors/hashing).
using hasher_actor = caf::typed_actor<
    // http api → hasher: argon2id hash of a password (error overloaded when
    // the bounded queue is full).
    caf::replies_to<hash_atom, std::string>::with<std::string>,
    // http api → hasher: does the password match the stored hash?
    caf::replies_to<verify_atom, std::string, std::string>::with<bool>>;

} // namespace parley
