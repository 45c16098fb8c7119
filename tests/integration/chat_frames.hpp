// The WebSocket protocol as integration tests speak it: frames to send,
// connections to open, and reading the next frame with a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::testing {

/// How long a test waits for a frame it expects. Generous: a loaded CI
/// machine runs two suites and a database at once; a passing test never
/// waits this long.
constexpr std::chrono::seconds frame_timeout{10};

/// A private_message frame; client_msg_id is left out when empty.
std::string private_message(std::int64_t recipient, std::string_view content,
                            std::string_view client_msg_id = {});

/// A sync frame asking for everything after `after_id`.
std::string sync_request(std::int64_t after_id);

/// Opens /ws for `user`, token in "Authorization: Bearer"; a non-empty
/// `query` (e.g. "since=5") is appended. Throws when the upgrade is refused.
std::unique_ptr<ws_client> connect_with_header(const running_node& node,
                                               const logged_in_user& user,
                                               const std::string& query = {});

/// Opens /ws?access_token=TOKEN for `user`, then `&query` when non-empty.
std::unique_ptr<ws_client>
connect_with_query_token(const running_node& node, const logged_in_user& user,
                         const std::string& query = {});

/// The next frame as a JSON object, presence frames skipped; throws
/// std::runtime_error when none arrives within frame_timeout or it is not
/// a JSON object.
rapidjson::Document next_frame(ws_client& ws);

/// The next frame, which must have type `type` and, unless `id` is -1,
/// that id; throws std::runtime_error quoting the frame otherwise.
rapidjson::Document expect_next(ws_client& ws, const std::string& type,
                                std::int64_t id = -1);

/// Sends a private_message and reads the next frame on `sender`, which must
/// be its message_sent; the stored message's id.
std::int64_t send_and_ack(ws_client& sender, std::int64_t recipient,
                          std::string_view content,
                          std::string_view client_msg_id = {});

/// Sends {"type":"sync","after_id":after_id} and expects sync_complete with
/// that id as the next frame: proof that the connection is attached to its
/// user and live. Only for connections with nothing newer to replay.
void await_live(ws_client& ws, std::int64_t after_id);

/// The "type" member of a frame, empty when absent or not a string.
std::string type_of(const rapidjson::Value& frame);

/// The "id" member of a frame, -1 when absent or not an integer.
std::int64_t id_of(const rapidjson::Value& frame);

/// The names of an object's members.
std::set<std::string> member_names(const rapidjson::Value& frame);

/// The frame as compact JSON text, for failure messages.
std::string to_text(const rapidjson::Value& frame);

/// Whether `text` has the form YYYY-MM-DDTHH:MM:SS.mmmZ.
bool is_utc_millis_timestamp(const std::string& text);

/// `unix_ms` as YYYY-MM-DDTHH:MM:SS.mmmZ.
std::string utc_millis_timestamp(std::int64_t unix_ms);

} // namespace parley::testing
