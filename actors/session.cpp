// The session actor: turns client frames into requests and replies into
// frames. One per WebSocket connection; it dies with its socket.
//
//   spawn ──join (await)──► joined ──closed/exit──► gone
//
// While joining, frames wait in the mailbox (await), so the first frame a
// client sends is handled only once the session belongs to its user actor.
//
// Store deadlines: a store the writer cannot commit must end in an
// "unavailable" error, not in silence. A timed request would do that, but in
// CAF 0.17 every timed request hands the clock thread a timer (a ring-buffer
// push that wakes it, a tree insert) and every answer hands it a cancel: two
// cross-thread wake-ups per chat message. Stores therefore go out without a
// timeout, and the session keeps their deadlines itself: one delayed
// deadline_atom to itself while stores are in flight, due when the oldest
// one expires (under steady load one per store_timeout, not one per store).
#include "actors/session.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "proto/error_code.hpp"
#include "proto/json/client_frame.hpp"
#include "proto/json/server_frame.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = session_actor::stateful_pointer<session_state>;

/// Joining the registry is a local hop; a slow answer means a sick node.
constexpr auto join_timeout = std::chrono::seconds(10);

/// WebSocket close codes used by the session.
constexpr std::uint16_t close_internal_error = 1011;

void send_text(self_pointer self, std::string text) {
  self->state.connection->deliver(
      std::make_shared<const std::string>(std::move(text)));
}

void send_error(self_pointer self, error_code code, const std::string& message,
                const std::string& client_msg_id) {
  send_text(self, json::encode_error_frame(code, message, client_msg_id));
}

void schedule_deadline_check(self_pointer self) {
  auto& st = self->state;
  if (st.deadline_check_scheduled || st.stores.empty()) return;
  st.deadline_check_scheduled = true;
  self->delayed_send(self, st.stores.front().deadline - self->clock().now(),
                     deadline_atom::value);
}

/// Takes a store out of the pending list and returns its client_msg_id;
/// nothing when it is no longer there (its deadline passed and the client
/// already heard "unavailable").
std::optional<std::string> settle(self_pointer self, std::uint32_t seq) {
  auto& stores = self->state.stores;
  // Answers come in store order, so this is almost always the first entry.
  auto i =
      std::find_if(stores.begin(), stores.end(),
                   [seq](const store_in_flight& x) { return x.seq == seq; });
  if (i == stores.end()) return std::nullopt;
  auto id = std::move(i->client_msg_id);
  stores.erase(i);
  return id;
}

void check_store_deadlines(self_pointer self) {
  auto& st = self->state;
  st.deadline_check_scheduled = false;
  auto now = self->clock().now();
  // Oldest first: deadlines grow with seq, so the expired ones are a prefix.
  auto expired = std::find_if(
      st.stores.begin(), st.stores.end(),
      [now](const store_in_flight& x) { return x.deadline > now; });
  std::vector<store_in_flight> failed(
      std::make_move_iterator(st.stores.begin()),
      std::make_move_iterator(expired));
  st.stores.erase(st.stores.begin(), expired);
  if (st.stores.empty()) st.stores.shrink_to_fit(); // idle: hold no buffer
  // A late answer from the writer finds nothing to settle and is dropped,
  // as a timed-out request's answer was.
  for (auto& store : failed) {
    send_error(self, error_code::unavailable,
               message_of(make_error(error_code::unavailable)),
               store.client_msg_id);
    st.connection->frame_done();
  }
  schedule_deadline_check(self);
}

void store_message(self_pointer self, json::private_message_frame& frame) {
  auto& st = self->state;
  chat_message msg;
  msg.sender_id = st.id;
  msg.sender_username = st.username;
  msg.recipient_id = frame.recipient_id;
  msg.content = std::move(frame.content);
  msg.client_msg_id = frame.client_msg_id;
  auto seq = ++st.stores_sent;
  st.stores.push_back(store_in_flight{seq,
                                      self->clock().now() + st.store_timeout,
                                      std::move(frame.client_msg_id)});
  schedule_deadline_check(self);
  auto me = caf::actor_cast<session_actor>(self);
  // No timeout here: check_store_deadlines enforces store_timeout.
  self->request(st.writer, caf::infinite, store_atom::value, std::move(msg), me)
      .then(
          [self, seq](chat_message& stored) {
            if (!settle(self, seq)) return; // already failed as unavailable
            send_text(self, json::encode_message_sent(stored));
            self->state.connection->frame_done();
          },
          [self, seq](caf::error& err) {
            // The writer refused this store (or is gone).
            auto id = settle(self, seq);
            if (!id) return;
            send_error(self, code_of(err), message_of(err), *id);
            self->state.connection->frame_done();
          });
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
  } else {
    auto& rejected = std::get<json::rejected_frame>(frame);
    send_error(self, rejected.code, rejected.message, rejected.client_msg_id);
  }
  self->state.connection->frame_done();
}

} // namespace

session_actor::behavior_type session_impl(self_pointer self,
                                          session_config config) {
  auto& st = self->state;
  st.connection = config.connection;
  st.id = config.user;
  st.username = config.username;
  st.writer = config.writer;
  st.max_content_bytes = static_cast<std::uint32_t>(config.max_content_bytes);
  st.store_timeout = config.store_timeout;
  // Whatever ends this actor (socket gone, user actor lost, exit message),
  // the connection must not outlive it open: closing twice is harmless.
  self->attach_functor([conn = st.connection](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::normal)
      conn->close(close_internal_error, "session ended; reconnect with since");
  });
  auto me = caf::actor_cast<session_actor>(self);
  self->request(config.registry, join_timeout, join_atom::value, config.user,
                config.username, me, config.since)
      .await(
          [self](user_actor& user) {
            self->state.user = user;
            self->monitor(user);
          },
          [self](caf::error& err) {
            self->quit(err); // the attached functor closes the socket
          });
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.user)
      self->quit(msg.reason ? msg.reason : make_error(error_code::internal));
  });
  return {
      [self](frame_atom, std::string& text) { handle_frame(self, text); },
      [self](deliver_atom, shared_frame& frame) {
        self->state.connection->deliver(std::move(frame.text));
      },
      [self](closed_atom) { self->quit(); },
      [self](deadline_atom) { check_store_deadlines(self); },
  };
}

} // namespace parley
