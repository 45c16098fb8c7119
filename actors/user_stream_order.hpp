// A user's stream in commit order, restored from routes that several nodes'
// writers send (cluster mode). Plain logic, no actor: the user actor feeds
// it and hands on what it releases.
//
// Every route carries the id of the message before it in this user's
// stream (chat_message::recipient_prev / sender_prev, read under the
// cluster's commit lock). A route whose predecessor was released goes on
// at once; one whose predecessor has not arrived waits, and if it does not
// arrive soon the user actor reads the gap from the database, where it is
// committed already. So a connection never sees message N before a message
// of its stream below N, and the highest id it has seen stays a safe resume
// cursor across nodes.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "proto/actor_interfaces.hpp"

namespace parley {

/// A committed message on its way to the user's sessions; `origin` is the
/// sending session when it is on this node (it gets message_sent).
struct stream_route {
  chat_message message;
  session_actor origin;
};

/// What a step released: routes in stream order, and late ones (already
/// released, or read from the database) whose origin still needs its
/// message_sent.
struct released_routes {
  std::vector<stream_route> in_order;
  std::vector<stream_route> late;
};

class user_stream_order {
public:
  /// Whether the stream's start is known.
  bool started() const { return started_; }

  /// The newest message released (or the start).
  message_id head() const { return head_; }

  /// Whether routes wait for a message that has not arrived.
  bool waiting() const { return !waiting_.empty(); }

  /// Routes waiting.
  std::size_t waiting_count() const { return waiting_.size(); }

  /// The stream starts after `head`, the user's newest message when every
  /// node knew the user is here; the sessions' catch-up reads what came
  /// before from the database. Routes that arrived earlier are sorted in.
  released_routes start(message_id head);

  /// A route and the id of the message before it in this user's stream.
  released_routes offer(stream_route route, message_id prev);

  /// Messages of the user's stream after head(), in id order, read from
  /// the database: they fill the gap. A waiting route for the same message
  /// is used instead of its row, for its origin.
  released_routes fill(std::vector<chat_message> rows);

private:
  /// Releases waiting routes that now follow the head.
  void release_following(released_routes& out);

  bool started_ = false;
  message_id head_ = 0;
  /// Routes by the id of their predecessor.
  std::multimap<message_id, stream_route> waiting_;
};

} // namespace parley
