// Acks, delivered and read receipts between users on different nodes.
#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// The next frame of `type` on `client`; throws when none comes in time.
rapidjson::Document next_of_type(ws_client& client, const std::string& type) {
  auto deadline = std::chrono::steady_clock::now() + cluster_frame_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto doc = client.read_json(cluster_frame_timeout);
    if (doc && string_member(*doc, "type") == type) return std::move(*doc);
  }
  throw std::runtime_error("no " + type + " frame in time");
}

} // namespace

TEST_CASE("an ack and a read on one node reach the sender on another as "
          "receipts") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto alice_0 = cluster.connect(0, alice, "?acks=1");
  auto alice_2 = cluster.connect(2, alice, "?acks=1");
  auto bob_1 = cluster.connect(1, bob, "?acks=1&device=phone");
  alice_0->send_text(send_frame(bob.id, "hello"));
  auto sent = next_message_frame(*alice_0);
  REQUIRE(sent.type == "message_sent");
  auto got = next_message_frame(*bob_1);
  REQUIRE(got.id == sent.id);
  bob_1->send_text(R"({"type":"ack","up_to_id":)" + std::to_string(got.id) +
                   "}");
  for (auto* ws : {alice_0.get(), alice_2.get()}) {
    auto delivered = next_of_type(*ws, "delivered");
    CHECK(int_member(delivered, "recipient_id") == bob.id);
    CHECK(int_member(delivered, "up_to_id") == sent.id);
  }
  bob_1->send_text(R"({"type":"read","peer_id":)" + std::to_string(alice.id) +
                   R"(,"up_to_id":)" + std::to_string(got.id) + "}");
  for (auto* ws : {alice_0.get(), alice_2.get()}) {
    auto read = next_of_type(*ws, "read");
    CHECK(int_member(read, "reader_id") == bob.id);
    CHECK(int_member(read, "up_to_id") == sent.id);
  }
}
