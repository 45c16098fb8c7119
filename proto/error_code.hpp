// The one error enum of Parley and its mapping to wire codes and HTTP status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace parley {

/// Everything that can go wrong in a way a client or operator must hear of.
enum class error_code : std::uint8_t {
  none = 0,
  // WebSocket frames
  invalid_json,          ///< not parseable JSON (or not UTF-8)
  not_an_object,         ///< valid JSON, but not an object
  missing_type,          ///< no string "type" member
  unknown_type,          ///< "type" names no client frame
  invalid_recipient,     ///< recipient_id missing, not an integer, out of range
  unknown_recipient,     ///< recipient_id names no user
  invalid_content,       ///< content missing, not a string, empty, or has NUL
  content_too_large,     ///< content over --max-content-bytes
  invalid_client_msg_id, ///< client_msg_id not a 1-64 byte string
  invalid_after_id,      ///< sync without a non-negative integer after_id
  invalid_ack,  ///< ack without a non-negative up_to_id, or without ?acks=1
  binary_frame, ///< binary WebSocket frames are not part of the protocol
  // HTTP
  invalid_request,     ///< malformed body, missing fields, bad query
  invalid_username,    ///< username breaks the 3-32 [A-Za-z0-9_.-] rule
  invalid_password,    ///< password shorter than 8 characters (or too long)
  username_taken,      ///< registration of an existing username
  invalid_credentials, ///< wrong password or unknown user (same answer)
  unauthorized,        ///< missing, malformed, tampered or expired token
  not_found,           ///< unknown user or route
  method_not_allowed,  ///< known route, wrong method
  // environment
  overloaded,  ///< a bounded queue is full; try again later
  unavailable, ///< the database cannot be reached right now
  internal,    ///< a bug; logged with details on the node
  // Appended, so that every code keeps its number between versions of a
  // cluster in a rolling upgrade.
  invalid_typing, ///< typing without recipient_id or a "start"/"stop" state
};

/// How many codes there are (none included).
constexpr std::size_t error_code_count =
    static_cast<std::size_t>(error_code::invalid_typing) + 1;

/// The wire spelling of an error code, e.g. "invalid_json".
const char* wire_code(error_code x);

/// A default human-readable message for an error code.
const char* default_message(error_code x);

/// The HTTP status that carries an error code.
int http_status(error_code x);

/// Error category atom for caf::error values made from error_code.
using parley_error_atom = caf::atom_constant<caf::atom("parley")>;

/// Wraps an error_code into a caf::error (for actor replies and expected<T>).
caf::error make_error(error_code x);

/// Wraps an error_code and a specific message into a caf::error.
caf::error make_error(error_code x, std::string message);

/// The error_code inside a caf::error made by make_error, else internal.
error_code code_of(const caf::error& x);

/// The specific message inside a caf::error, or the code's default message.
std::string message_of(const caf::error& x);

/// A rejected input: the code and a message that says what to fix.
struct failure {
  error_code code = error_code::none;
  std::string message;
};

} // namespace parley
