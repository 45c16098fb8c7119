// The session actor: turns client frames into requests and replies into
// frames. One per WebSocket connection; it dies with its socket.
//
//   spawn ──join (await)──► joined ──closed/exit──► gone
//
// While joining, frames wait in the mailbox (await), so the first frame a
// client sends is handled only once the session belongs to its user actor.
//
// What the client has confirmed reaches the user actor as confirm_atom:
// for a connection opened with ?acks=1 only its acks count; for any other,
// the connection's write completions do (written_atom). Either way nothing
// counts as delivered that was only handed to the connection.
//
// Store deadlines are the writer's: it refuses a store whose deadline passed
// before its turn, so "unavailable" always means "not stored" and a resend
// cannot store a message twice.
#include "actors/session.hpp"

#include <algorithm>
#include <chrono>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "proto/error_code.hpp"
#include "proto/json/client_frame.hpp"
#include "proto/json/server_frame.hpp"
#include "proto/limits.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = session_actor::stateful_pointer<session_state>;

/// WebSocket close codes used by the session.
constexpr std::uint16_t close_internal_error = 1011;
/// An operator closed the user's connections (POST .../disconnect): a
/// private-use code (RFC 6455 7.4.2), so clients can tell it from a fault.
constexpr std::uint16_t close_kicked = 4001;

void send_text(self_pointer self, std::string text) {
  self->state.connection->deliver(
      std::make_shared<const std::string>(std::move(text)), 0);
}

void send_error(self_pointer self, error_code code, const std::string& message,
                const std::string& client_msg_id) {
  metrics::node().error_frames[static_cast<std::size_t>(code)].add();
  send_text(self, json::encode_error_frame(code, message, client_msg_id));
}

timestamp_ms deadline_of(self_pointer self) {
  using namespace std::chrono;
  auto now = system_clock::now() + self->state.store_timeout;
  return duration_cast<milliseconds>(now.time_since_epoch()).count();
}

void store_message(self_pointer self, json::private_message_frame& frame) {
  auto& st = self->state;
  chat_message msg;
  msg.sender_id = st.id;
  msg.sender_username = st.username;
  msg.recipient_id = frame.recipient_id;
  msg.content = std::move(frame.content);
  msg.client_msg_id = frame.client_msg_id;
  auto me = caf::actor_cast<session_actor>(self);
  metrics::node().messages_received.add();
  auto received = std::chrono::steady_clock::now();
  msg.received_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        received.time_since_epoch())
                        .count();
  auto observe = [received] {
    metrics::node().store_seconds.observe(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - received)
            .count()));
  };
  // No timeout here: the writer answers every store, after commit or at its
  // deadline, and fails them all when it stops.
  self->request(st.writer, caf::infinite, store_atom::value, std::move(msg), me,
                deadline_of(self))
      .then(
          [self, observe](chat_message& stored, bool duplicate) {
            observe();
            // A new message's message_sent travels through the user actor,
            // in id order with the user's other frames; a resend's original
            // is not routed again, so its answer goes out from here.
            if (duplicate) send_text(self, json::encode_message_sent(stored));
            self->state.connection->frame_done();
          },
          [self, id = std::move(frame.client_msg_id)](caf::error& err) {
            send_error(self, code_of(err), message_of(err), id);
            self->state.connection->frame_done();
          });
}

void confirm(self_pointer self, message_id through) {
  auto me = caf::actor_cast<session_actor>(self);
  self->send(self->state.user, confirm_atom::value, me, through);
}

/// Milliseconds on the steady clock, for the typing rate limit.
std::int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch())
      .count();
}

/// Takes a token of the typing rate limit; false when none is left.
bool take_typing_token(self_pointer self) {
  auto& st = self->state;
  auto now = steady_ms();
  auto refill = limits::typing_refill.count();
  auto earned = (now - st.typing_refilled_ms) / refill;
  if (earned > 0) {
    st.typing_tokens = static_cast<std::uint32_t>(std::min<std::int64_t>(
        limits::typing_burst, st.typing_tokens + earned));
    st.typing_refilled_ms += earned * refill;
  }
  if (st.typing_tokens == 0) return false;
  --st.typing_tokens;
  return true;
}

void relay_typing(self_pointer self, user_id recipient, bool typing) {
  self->send(self->state.registry, typing_atom::value,
             typing_notice{self->state.id, recipient, typing});
}

/// Ends the "start" in force, if any, with a "stop".
void stop_typing(self_pointer self) {
  auto& st = self->state;
  if (st.typing_to == 0) return;
  relay_typing(self, st.typing_to, false);
  st.typing_to = 0;
  ++st.typing_generation; // its expiry timer is stale now
}

/// A typing frame. A "start" is relayed (within the rate limit; typing is
/// advisory, so an excess one is dropped) and expires by itself; a "stop"
/// ends the "start" in force. Starting to type to someone else ends the
/// indicator at the previous recipient first.
void handle_typing(self_pointer self, const json::typing_frame& frame) {
  auto& st = self->state;
  if (!frame.typing) {
    if (frame.recipient_id == st.typing_to) stop_typing(self);
    return;
  }
  if (!take_typing_token(self)) return;
  if (st.typing_to != frame.recipient_id) stop_typing(self);
  relay_typing(self, frame.recipient_id, true);
  st.typing_to = frame.recipient_id;
  self->delayed_send(self, limits::typing_expiry, typing_atom::value,
                     static_cast<std::uint64_t>(++st.typing_generation));
}

void handle_frame(self_pointer self, const std::string& text) {
  auto frame = json::decode_client_frame(
      text, json::frame_limits{self->state.max_content_bytes});
  if (auto* msg = std::get_if<json::private_message_frame>(&frame)) {
    store_message(self, *msg);
    return; // frame_done once the writer answers
  }
  if (auto* sync = std::get_if<json::sync_frame>(&frame)) {
    auto me = caf::actor_cast<session_actor>(self);
    self->send(self->state.user, sync_atom::value, me, sync->after_id);
    return; // frame_done once the replay has been sent (synced_atom)
  }
  if (auto* typing = std::get_if<json::typing_frame>(&frame)) {
    handle_typing(self, *typing);
  } else if (auto* read = std::get_if<json::read_frame>(&frame)) {
    metrics::node().reads_received.add();
    auto me = caf::actor_cast<session_actor>(self);
    self->send(self->state.user, read_atom::value, me, read->peer_id,
               read->up_to_id);
  } else if (auto* ack = std::get_if<json::ack_frame>(&frame)) {
    metrics::node().acks_received.add();
    if (self->state.acks)
      confirm(self, ack->up_to_id);
    else
      send_error(self, error_code::invalid_ack,
                 "acks need a connection opened with ?acks=1", {});
  } else {
    auto& rejected = std::get<json::rejected_frame>(frame);
    send_error(self, rejected.code, rejected.message, rejected.client_msg_id);
  }
  self->state.connection->frame_done();
}

void join(self_pointer self, const session_config& config) {
  auto me = caf::actor_cast<session_actor>(self);
  self->request(config.registry, config.join_timeout, join_atom::value,
                config.user, config.username, me, config.stream)
      .await(
          [self](user_actor& user) {
            self->state.user = user;
            self->monitor(user);
          },
          [self](caf::error& err) {
            self->quit(err); // the attached functor closes the socket
          });
}

} // namespace

session_actor::behavior_type session_impl(self_pointer self,
                                          session_config config) {
  enter_census(self, metrics::actor_kind::session);
  auto& st = self->state;
  st.connection = config.connection;
  st.id = config.user;
  st.username = config.username;
  st.writer = config.writer;
  st.max_content_bytes = static_cast<std::uint32_t>(config.max_content_bytes);
  st.store_timeout = config.store_timeout;
  st.acks = config.stream.acks;
  st.registry = config.registry;
  st.typing_tokens = static_cast<std::uint32_t>(limits::typing_burst);
  st.typing_refilled_ms = steady_ms();
  // Whatever ends this actor (socket gone, user actor lost, exit message),
  // the connection must not outlive it open: closing twice is harmless.
  self->attach_functor([conn = st.connection](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::normal)
      conn->close(close_internal_error, "session ended; reconnect with since");
  });
  join(self, config);
  self->set_down_handler([self](caf::down_msg& msg) {
    note_exit(self, metrics::actor_kind::session, msg.source, msg.reason);
    if (msg.source == self->state.user)
      self->quit(msg.reason ? msg.reason : make_error(error_code::internal));
  });
  return {
      [self](frame_atom, std::string& text) { handle_frame(self, text); },
      [self](deliver_atom, shared_frame& frame) {
        self->state.connection->deliver(std::move(frame.text), frame.id);
      },
      [self](closed_atom) {
        stop_typing(self); // a closed tab stops typing at once
        self->quit();
      },
      [self](written_atom, message_id through) {
        if (!self->state.acks) confirm(self, through);
      },
      [self](pace_atom) {
        auto promise = self->make_response_promise<bool>();
        self->state.paced.push_back(promise);
        self->state.connection->notify_when_drained();
        return promise;
      },
      [self](drained_atom) {
        for (auto& promise : self->state.paced)
          promise.deliver(true);
        self->state.paced.clear();
      },
      [self](synced_atom, std::uint32_t syncs) {
        for (std::uint32_t i = 0; i < syncs; ++i)
          self->state.connection->frame_done();
      },
      [self](describe_atom) { return self->state.connection->info(); },
      [self](kick_atom) {
        self->state.connection->close(close_kicked,
                                      "disconnected by an operator");
      },
      [self](typing_atom, std::uint64_t generation) {
        if (generation == self->state.typing_generation) stop_typing(self);
      },
  };
}

} // namespace parley
