// Test support: decodes a client frame and insists on one outcome.
#pragma once

#include <string_view>
#include <variant>

#include <doctest/doctest.h>

#include "proto/json/client_frame.hpp"

namespace parley::test {

/// Decodes `text` and requires a rejection.
inline json::rejected_frame
rejection_of(std::string_view text, const json::frame_limits& bounds = {}) {
  auto frame = json::decode_client_frame(text, bounds);
  auto* rejected = std::get_if<json::rejected_frame>(&frame);
  REQUIRE_MESSAGE(rejected != nullptr, "accepted: " << std::string{text});
  return *rejected;
}

/// Decodes `text` and requires a private message.
inline json::private_message_frame
private_message_of(std::string_view text,
                   const json::frame_limits& bounds = {}) {
  auto frame = json::decode_client_frame(text, bounds);
  if (auto* rejected = std::get_if<json::rejected_frame>(&frame))
    FAIL("rejected with " << wire_code(rejected->code) << ": "
                          << rejected->message);
  auto* result = std::get_if<json::private_message_frame>(&frame);
  REQUIRE(result != nullptr);
  return *result;
}

/// Decodes `text` and requires a sync frame.
inline json::sync_frame sync_of(std::string_view text) {
  auto frame = json::decode_client_frame(text);
  if (auto* rejected = std::get_if<json::rejected_frame>(&frame))
    FAIL("rejected with " << wire_code(rejected->code) << ": "
                          << rejected->message);
  auto* result = std::get_if<json::sync_frame>(&frame);
  REQUIRE(result != nullptr);
  return *result;
}

} // namespace parley::test
