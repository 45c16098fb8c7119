// Domain types shared by every layer: ids, users and stored chat messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace parley {

/// Database id of a user account.
using user_id = std::int64_t;

/// Database id of a stored message; also the resume cursor of a client.
using message_id = std::int64_t;

/// Milliseconds since the Unix epoch, UTC.
using timestamp_ms = std::int64_t;

/// Milliseconds since the epoch, now.
timestamp_ms wall_clock_ms();

/// A user's presence as stored in `users.status`.
enum class presence : std::uint8_t { offline = 0, online = 1 };

/// The wire and database spelling of a presence ("online"/"offline").
const char* to_string(presence x);

/// A user as other users may see it.
struct user_record {
  user_id id = 0;
  std::string username;
  std::string status; ///< "online" or "offline"
};

/// A user together with the secret needed to log in (never leaves the node).
struct account {
  user_id id = 0;
  std::string username;
  std::string password_hash; ///< argon2id string from crypto_pwhash_str
  std::string status;
};

/// The position of a message in a user's stream is not known: the route
/// comes from a single node, whose writer routes in commit order.
constexpr std::int64_t no_chain = -1;

/// A private message, either about to be stored (id == 0) or stored.
struct chat_message {
  message_id id = 0;
  user_id sender_id = 0;
  std::string sender_username;
  user_id recipient_id = 0;
  std::string content;
  std::string client_msg_id; ///< empty when the client sent none
  timestamp_ms sent_at_ms = 0;
  /// In a cluster, the id of the message before this one in the
  /// recipient's and in the sender's stream (0: none before it), read in
  /// the commit's own transaction. Routes from several nodes' writers reach
  /// a user actor in any order; these links let it restore commit order
  /// and see a missing message (README, "How the cluster keeps order").
  /// Not stored; no_chain outside a cluster.
  message_id recipient_prev = no_chain;
  message_id sender_prev = no_chain;
  /// When the sending session took the frame (steady clock, ns), for the
  /// frame → message_sent histogram. The sending session, the writer and
  /// the user actors are on one node; inspect leaves it out, so it never
  /// crosses to another node (and reads 0 there).
  std::int64_t received_ns = 0;
};

/// A "since" value meaning: no resume cursor, push undelivered messages.
constexpr message_id no_resume = -1;

/// How a connection wants its messages (the /ws query parameters).
struct stream_options {
  message_id since = no_resume; ///< ?since=: replay after it; else push
  std::string device;           ///< ?device=: whose delivery cursor; "" default
  bool acks = false;            ///< ?acks=1: the client acks what it has
};

inline bool operator==(const stream_options& x, const stream_options& y) {
  return x.since == y.since && x.device == y.device && x.acks == y.acks;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_options& x) {
  return f(caf::meta::type_name("stream_options"), x.since, x.device, x.acks);
}

inline bool operator==(const user_record& x, const user_record& y) {
  return x.id == y.id && x.username == y.username && x.status == y.status;
}

inline bool operator==(const chat_message& x, const chat_message& y) {
  return x.id == y.id && x.sender_id == y.sender_id &&
         x.sender_username == y.sender_username &&
         x.recipient_id == y.recipient_id && x.content == y.content &&
         x.client_msg_id == y.client_msg_id && x.sent_at_ms == y.sent_at_ms;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_record& x) {
  return f(caf::meta::type_name("user_record"), x.id, x.username, x.status);
}

inline bool operator==(const account& x, const account& y) {
  return x.id == y.id && x.username == y.username &&
         x.password_hash == y.password_hash && x.status == y.status;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account& x) {
  return f(caf::meta::type_name("account"), x.id, x.username, x.password_hash,
           x.status);
}

/// A receipt: `reader` has every message `sender` sent them up to `up_to`
/// (delivered: it reached a device of the reader; read: the reader says so).
struct receipt {
  user_id reader = 0;
  user_id sender = 0;
  message_id up_to = 0;
  bool read = false; ///< false: delivered
};

inline bool operator==(const receipt& x, const receipt& y) {
  return x.reader == y.reader && x.sender == y.sender && x.up_to == y.up_to &&
         x.read == y.read;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, receipt& x) {
  return f(caf::meta::type_name("receipt"), x.reader, x.sender, x.up_to,
           x.read);
}

/// A typing indicator on its way from a connection of `sender` to the
/// connections of `recipient`; relayed, never stored.
struct typing_notice {
  user_id sender = 0;
  user_id recipient = 0;
  bool typing = false; ///< "start" (true) or "stop"
};

inline bool operator==(const typing_notice& x, const typing_notice& y) {
  return x.sender == y.sender && x.recipient == y.recipient &&
         x.typing == y.typing;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, typing_notice& x) {
  return f(caf::meta::type_name("typing_notice"), x.sender, x.recipient,
           x.typing);
}

/// One conversation of a user's inbox (GET /conversations).
struct conversation_summary {
  user_record peer;
  chat_message last;                     ///< the newest message either way
  std::int64_t unread = 0;               ///< from the peer, above read_through
  message_id read_through = 0;           ///< what the user has read of the peer
  message_id peer_delivered_through = 0; ///< of the user's, reached the peer
  message_id peer_read_through = 0;      ///< of the user's, read by the peer
};

inline bool operator==(const conversation_summary& x,
                       const conversation_summary& y) {
  return x.peer == y.peer && x.last == y.last && x.unread == y.unread &&
         x.read_through == y.read_through &&
         x.peer_delivered_through == y.peer_delivered_through &&
         x.peer_read_through == y.peer_read_through;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("chat_message"), x.id, x.sender_id,
           x.sender_username, x.recipient_id, x.content, x.client_msg_id,
           x.sent_at_ms, x.recipient_prev, x.sender_prev);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conversation_summary& x) {
  return f(caf::meta::type_name("conversation_summary"), x.peer, x.last,
           x.unread, x.read_through, x.peer_delivered_through,
           x.peer_read_through);
}

} // namespace parley
