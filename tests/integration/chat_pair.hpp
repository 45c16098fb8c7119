// Two users, alice and bob, logged in on a fresh node with one connection
// each, plus the frame builders and readers that tests of hostile and
// unusual input share.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::testing {

/// How long a test waits for one expected frame; generous for loaded CI.
constexpr std::chrono::seconds expected_frame_timeout{10};

/// A node with alice and bob, each holding one open connection.
struct chat_pair {
  /// Starts the node with `node_args`, creates both users and connects.
  explicit chat_pair(std::vector<std::string> node_args = {});

  /// A new connection for `user`; `query` (e.g. "?since=0") follows "/ws".
  std::unique_ptr<ws_client> connect(const logged_in_user& user,
                                     const std::string& query = {}) const;

  /// Sends a marker message from `sender` (one of alice's connections) to
  /// bob and checks, with doctest, that bob's next frame is that marker
  /// and that a replay of everything alice ever sent holds only markers:
  /// whatever the test sent before stored nothing.
  void check_only_markers_stored(ws_client& sender);

  running_node node;
  logged_in_user alice;
  logged_in_user bob;
  std::unique_ptr<ws_client> alice_ws;
  std::unique_ptr<ws_client> bob_ws;
  int markers_sent = 0; ///< by check_only_markers_stored
};

/// Sends `frame` from `client` and checks, with doctest, that the next frame
/// is an error with `code` and a message, echoing `client_msg_id` (or
/// leaving it out when empty).
void check_error_reply(ws_client& client, const std::string& frame,
                       const std::string& code,
                       const std::string& client_msg_id = {});

/// Sends `frame` on `from` and checks, with doctest, that `from` gets
/// message_sent and `to` an incoming_message carrying `content`.
void check_delivered(ws_client& from, ws_client& to, const std::string& frame,
                     const std::string& content);

/// `text` as a JSON string literal (quotes included), escaped by RapidJSON.
std::string json_string(std::string_view text);

/// A private_message frame; client_msg_id is left out when empty.
std::string message_frame(std::int64_t recipient, std::string_view content,
                          std::string_view client_msg_id = {});

/// One message as the history API or a replay shows it.
struct seen_message {
  std::string type; ///< frame type; "history" for GET /messages rows
  std::int64_t id = 0;
  std::int64_t sender_id = 0;    ///< 0 when the frame does not carry it
  std::int64_t recipient_id = 0; ///< 0 when the frame does not carry it
  std::string content;
};

/// Every message of the caller's conversation with `with`, oldest first,
/// paging through GET /messages; throws std::runtime_error on a non-200.
std::vector<seen_message>
full_history(unsigned short port, const std::string& token, std::int64_t with);

/// Reads a resume replay up to sync_complete: the message frames in order.
/// Throws std::runtime_error when sync_complete does not come in time.
std::vector<seen_message> read_replay(ws_client& client);

} // namespace parley::testing
