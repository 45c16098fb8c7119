// The table from error_code to wire spelling, default text and HTTP status.
#include "proto/error_code.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace parley {

namespace {

struct error_row {
  const char* wire;
  const char* text;
  int status;
};

// One row per error_code, in enum order; the static_assert below keeps the
// table and the enum in step.
constexpr error_row table[] = {
    {"none", "no error", 200},
    {"invalid_json", "the frame is not valid JSON", 400},
    {"not_an_object", "the frame must be a JSON object", 400},
    {"missing_type", "the frame needs a string member \"type\"", 400},
    {"unknown_type", "unknown frame type", 400},
    {"invalid_recipient", "recipient_id must be a positive integer", 400},
    {"unknown_recipient", "recipient_id names no user", 400},
    {"invalid_content", "content must be a non-empty string", 400},
    {"content_too_large", "content is too large", 400},
    {"invalid_client_msg_id",
     "client_msg_id must be a string of 1-64 bytes without control characters",
     400},
    {"invalid_after_id", "after_id must be a non-negative integer", 400},
    {"invalid_ack", "up_to_id must be a non-negative integer", 400},
    {"binary_frame", "binary frames are not supported; send JSON text", 400},
    {"invalid_request", "the request is malformed", 400},
    {"invalid_username", "username must be 3-32 characters of [A-Za-z0-9_.-]",
     400},
    {"invalid_password", "password must have at least 8 characters", 400},
    {"username_taken", "username is already taken", 409},
    {"invalid_credentials", "invalid username or password", 401},
    {"unauthorized", "a valid bearer token is required", 401},
    {"not_found", "not found", 404},
    {"method_not_allowed", "method not allowed", 405},
    {"overloaded", "the server is busy; retry later", 503},
    {"unavailable", "the database is unavailable; retry later", 503},
    {"internal", "internal error", 500},
    {"invalid_typing",
     "typing needs a positive recipient_id and state \"start\" or \"stop\"",
     400},
};

static_assert(sizeof(table) / sizeof(table[0]) == error_code_count,
              "every error_code needs exactly one row");

const error_row& row(error_code x) {
  auto index = static_cast<std::size_t>(x);
  if (index >= sizeof(table) / sizeof(table[0]))
    return table[static_cast<std::size_t>(error_code::internal)];
  return table[index];
}

} // namespace

const char* wire_code(error_code x) {
  return row(x).wire;
}

const char* default_message(error_code x) {
  return row(x).text;
}

int http_status(error_code x) {
  return row(x).status;
}

caf::error make_error(error_code x) {
  return caf::error{static_cast<std::uint8_t>(x), parley_error_atom::value};
}

caf::error make_error(error_code x, std::string message) {
  return caf::error{static_cast<std::uint8_t>(x), parley_error_atom::value,
                    caf::make_message(std::move(message))};
}

error_code code_of(const caf::error& x) {
  if (!x) return error_code::none;
  if (x.category() != parley_error_atom::value) return error_code::internal;
  return static_cast<error_code>(x.code());
}

std::string message_of(const caf::error& x) {
  const auto& context = x.context();
  if (x.category() == parley_error_atom::value && context.size() == 1 &&
      context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  return default_message(code_of(x));
}

} // namespace parley
