// Presence and typing frames across nodes: a user on one node hears when a
// peer on another comes, goes, dies with its node, and types.
#include <csignal>
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// A predicate for a frame of `type` whose `key` is `id` and whose `field`
/// is `value`.
ws_client::message_predicate frame_is(const std::string& type,
                                      const std::string& key, std::int64_t id,
                                      const std::string& field,
                                      const std::string& value) {
  return [=](const std::string& text) {
    auto frame = parse_json(text);
    return string_member(frame, "type") == type &&
           int_member(frame, key.c_str()) == id &&
           string_member(frame, field.c_str()) == value;
  };
}

ws_client::message_predicate presence_is(std::int64_t user,
                                         const std::string& status) {
  return frame_is("presence", "user_id", user, "status", status);
}

std::string typing(std::int64_t recipient, const std::string& state) {
  return R"({"type":"typing","recipient_id":)" + std::to_string(recipient) +
         R"(,"state":")" + state + R"("})";
}

} // namespace

TEST_CASE("a peer on another node is seen coming, typing, leaving and lost "
          "with its node") {
  test_cluster cluster{2};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  {
    // Their conversation: Alice's first message to Bob.
    auto first = cluster.connect(0, alice);
    first->send_text(send_frame(bob.id, "hi bob"));
    REQUIRE(next_message_frame(*first).type == "message_sent");
  }
  auto alice_ws = cluster.connect(0, alice, "?acks=1");
  CHECK(alice_ws->read_until(presence_is(bob.id, "offline"),
                             cluster_frame_timeout));

  auto bob_ws = cluster.connect(1, bob, "?acks=1");
  CHECK(alice_ws->read_until(presence_is(bob.id, "online"),
                             cluster_frame_timeout));
  CHECK(bob_ws->read_until(presence_is(alice.id, "online"),
                           cluster_frame_timeout));

  bob_ws->send_text(typing(alice.id, "start"));
  CHECK(alice_ws->read_until(
      frame_is("typing", "sender_id", bob.id, "state", "start"),
      cluster_frame_timeout));
  bob_ws->send_text(typing(alice.id, "stop"));
  CHECK(alice_ws->read_until(
      frame_is("typing", "sender_id", bob.id, "state", "stop"),
      cluster_frame_timeout));

  bob_ws->close();
  CHECK(alice_ws->read_until(presence_is(bob.id, "offline"),
                             cluster_frame_timeout));

  // Back on node1, which then dies: the link's loss takes Bob offline.
  auto bob_again = cluster.connect(1, bob, "?acks=1");
  CHECK(alice_ws->read_until(presence_is(bob.id, "online"),
                             cluster_frame_timeout));
  cluster.signal(1, SIGKILL);
  CHECK(
      alice_ws->read_until(presence_is(bob.id, "offline"), membership_timeout));
}
