// The session actor: turns client frames into requests and replies into
// frames. One per WebSocket connection; it dies with its socket.
//
//   spawn ──join (await)──► joined ──closed/exit──► gone
//
// While joining, frames wait in the mailbox (await), so the first frame a
// client sends is handled only once the session belongs to its user actor.
#include "actors/session.hpp"

#include <chrono>
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

/// A store request waits at most this long for its commit. Beyond it the
/// client hears "unavailable" and may resend with the same client_msg_id.
constexpr auto store_timeout = std::chrono::seconds(30);

/// Joining the registry is a local hop; a slow answer means a sick node.
constexpr auto join_timeout = std::chrono::seconds(10);

/// WebSocket close codes used by the session.
constexpr std::uint16_t close_internal_error = 1011;

void send_text(self_pointer self, std::string text) {
  self->state.config.connection->deliver(
      std::make_shared<const std::string>(std::move(text)));
}

void send_error(self_pointer self, error_code code, const std::string& message,
                const std::string& client_msg_id) {
  send_text(self, json::encode_error_frame(code, message, client_msg_id));
}

/// A request that timed out means the writer is stuck on the database.
error_code wire_error(const caf::error& err) {
  if (err == caf::sec::request_timeout) return error_code::unavailable;
  return code_of(err);
}

void store_message(self_pointer self, json::private_message_frame& frame) {
  auto& cfg = self->state.config;
  chat_message msg;
  msg.sender_id = cfg.user;
  msg.sender_username = cfg.username;
  msg.recipient_id = frame.recipient_id;
  msg.content = std::move(frame.content);
  msg.client_msg_id = frame.client_msg_id;
  auto me = caf::actor_cast<session_actor>(self);
  self->request(cfg.writer, store_timeout, store_atom::value, std::move(msg),
                me)
      .then(
          [self](chat_message& stored) {
            send_text(self, json::encode_message_sent(stored));
            self->state.config.connection->frame_done();
          },
          [self, id = std::move(frame.client_msg_id)](caf::error& err) {
            auto code = wire_error(err);
            send_error(self, code,
                       message_of(code == error_code::unavailable
                                      ? make_error(code)
                                      : err),
                       id);
            self->state.config.connection->frame_done();
          });
}

void handle_frame(self_pointer self, const std::string& text) {
  auto frame = json::decode_client_frame(
      text, json::frame_limits{self->state.config.max_content_bytes});
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
  self->state.config.connection->frame_done();
}

} // namespace

session_actor::behavior_type session_impl(self_pointer self,
                                          session_config config) {
  self->state.config = std::move(config);
  // Whatever ends this actor (socket gone, user actor lost, exit message),
  // the connection must not outlive it open: closing twice is harmless.
  self->attach_functor([conn = self->state.config.connection](
                           const caf::error& reason) {
    if (reason && reason != caf::exit_reason::normal)
      conn->close(close_internal_error, "session ended; reconnect with since");
  });
  auto& cfg = self->state.config;
  auto me = caf::actor_cast<session_actor>(self);
  self->request(cfg.registry, join_timeout, join_atom::value, cfg.user,
                cfg.username, me, cfg.since)
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
        self->state.config.connection->deliver(std::move(frame.text));
      },
      [self](closed_atom) { self->quit(); },
  };
}

} // namespace parley
