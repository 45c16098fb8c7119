// Presence and typing frames in tests: the typing frame a client sends and
// predicates for what the server answers (for ws_client::read_until).
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/json_body.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::testing {

/// {"type":"typing","recipient_id":R,"state":STATE}
inline std::string typing_frame(std::int64_t recipient,
                                const std::string& state) {
  return R"({"type":"typing","recipient_id":)" + std::to_string(recipient) +
         R"(,"state":")" + state + R"("})";
}

/// Matches {"type":"presence","user_id":user,"status":status}.
inline ws_client::message_predicate presence_is(std::int64_t user,
                                                const std::string& status) {
  return [user, status](const std::string& text) {
    auto frame = parse_json(text);
    return string_member(frame, "type") == "presence" &&
           int_member(frame, "user_id") == user &&
           string_member(frame, "status") == status;
  };
}

/// Matches {"type":"typing","sender_id":sender,"state":state}.
inline ws_client::message_predicate typing_is(std::int64_t sender,
                                              const std::string& state) {
  return [sender, state](const std::string& text) {
    auto frame = parse_json(text);
    return string_member(frame, "type") == "typing" &&
           int_member(frame, "sender_id") == sender &&
           string_member(frame, "state") == state;
  };
}

} // namespace parley::testing
