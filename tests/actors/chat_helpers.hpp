// Frames and checks the actor tests share: building client frames and
// reading ids out of server frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "proto/domain.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace parley::testing {

/// A private_message frame; client_msg_id is left out when empty.
inline std::string private_message(user_id to, const std::string& content,
                                   const std::string& client_msg_id = {}) {
  std::string frame = R"({"type":"private_message","recipient_id":)" +
                      std::to_string(to) + R"(,"content":")" + content + "\"";
  if (!client_msg_id.empty())
    frame += R"(,"client_msg_id":")" + client_msg_id + "\"";
  return frame + "}";
}

/// An integer member of a frame; fails the test when it is missing.
inline std::int64_t int_member(const rapidjson::Document& doc,
                               const char* name) {
  REQUIRE(doc.HasMember(name));
  REQUIRE(doc[name].IsInt64());
  return doc[name].GetInt64();
}

/// The "id" of a frame.
inline std::int64_t id_of(const rapidjson::Document& doc) {
  return int_member(doc, "id");
}

/// A string member of a frame, empty when missing.
inline std::string string_member(const rapidjson::Document& doc,
                                 const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString()
                                                     : std::string{};
}

/// Sends `count` messages ("m0", "m1", ...) one after the other and returns
/// their ids from message_sent.
inline std::vector<message_id> send_all(test_session& from, user_id to,
                                        int count) {
  std::vector<message_id> ids;
  for (int i = 0; i < count; ++i) {
    from.send(private_message(to, "m" + std::to_string(i)));
    auto sent = from.next();
    REQUIRE(test_session::type_of(sent) == "message_sent");
    ids.push_back(id_of(sent));
  }
  return ids;
}

} // namespace parley::testing
