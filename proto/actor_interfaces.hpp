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

#include "proto/atoms.hpp"
#include "proto/domain.hpp"
#include "proto/shared_frame.hpp"

namespace parley {

/// A "since" value meaning: no resume cursor, push undelivered messages.
constexpr message_id no_resume = -1;

/// One WebSocket session (actors/session).
using session_actor = caf::typed_actor<
    // connection → session: one text frame as the client sent it.
    caf::reacts_to<frame_atom, std::string>,
    // user actor → session: an encoded frame to write to the socket.
    caf::reacts_to<deliver_atom, shared_frame>,
    // connection → session: the socket is gone; finish and exit.
    caf::reacts_to<closed_atom>,
    // session → itself: fail the stores whose deadline has passed.
    caf::reacts_to<deadline_atom>>;

/// One online user on this node (actors/user).
using user_actor = caf::typed_actor<
    // registry → user: a new session; `since` is a resume cursor or no_resume.
    caf::reacts_to<attach_atom, session_actor, message_id>,
    // registry → user: a committed message to or from this user; `origin` is
    // the session that sent it (it gets message_sent instead of a copy).
    caf::reacts_to<route_atom, chat_message, session_actor>,
    // session → user: replay everything after the id, then go live again.
    caf::reacts_to<sync_atom, session_actor, message_id>,
    // registry → user: no session is left and none is on its way; exit.
    caf::reacts_to<stop_atom>>;

/// The hub: user id → user actor (actors/registry).
using registry_actor = caf::typed_actor<
    // session → registry: attach me to my user (spawned on first session).
    caf::replies_to<join_atom, user_id, std::string, session_actor,
                    message_id>::with<user_actor>,
    // user → registry: my last session left after `joins_seen` attaches.
    caf::reacts_to<idle_atom, user_id, std::uint64_t>,
    // writer → registry: a message was committed; tell both users.
    caf::reacts_to<route_atom, chat_message, session_actor>>;

/// The single writer to the database (actors/persistence).
using writer_actor = caf::typed_actor<
    // session → writer: store a message; the reply comes after commit (the
    // original message when the client_msg_id was seen before).
    caf::replies_to<store_atom, chat_message,
                    session_actor>::with<chat_message>,
    // http api → writer: create an account (username, password hash).
    caf::replies_to<create_atom, std::string, std::string>::with<user_record>,
    // user → writer: take the undelivered messages of a user (offline push).
    caf::replies_to<claim_atom, user_id>::with<std::vector<chat_message>>,
    // user → writer: the user was handed every message up to this id.
    caf::reacts_to<delivered_atom, user_id, message_id>,
    // registry → writer: presence transition (true = online).
    caf::reacts_to<presence_atom, user_id, bool>,
    // main → writer: the registry that hears of every committed message.
    caf::reacts_to<registry_actor>,
    // main → writer: commit everything queued, then reply (shutdown).
    caf::replies_to<drain_atom>::with<bool>,
    // writer → itself: commit what queued up while the last commit ran.
    caf::reacts_to<flush_atom>,
    // writer → itself: the delivery marks waiting since the first are due.
    caf::reacts_to<marks_atom>>;

/// Read-only queries on their own connection (actors/persistence).
using reader_actor = caf::typed_actor<
    // http api → reader: an account by username (error not_found).
    caf::replies_to<account_atom, std::string>::with<account>,
    // http api → reader: conversation of two users, newest first, ids below
    // the cursor (0 = no cursor), at most `limit`.
    caf::replies_to<history_atom, user_id, user_id, message_id,
                    std::uint32_t>::with<std::vector<chat_message>>,
    // user → reader: messages to or from a user after an id, in id order.
    caf::replies_to<replay_atom, user_id, message_id,
                    std::uint32_t>::with<std::vector<chat_message>>>;

/// Password hashing off the network threads and scheduler (actors/hashing).
using hasher_actor = caf::typed_actor<
    // http api → hasher: argon2id hash of a password (error overloaded when
    // the bounded queue is full).
    caf::replies_to<hash_atom, std::string>::with<std::string>,
    // http api → hasher: does the password match the stored hash?
    caf::replies_to<verify_atom, std::string, std::string>::with<bool>>;

} // namespace parley
