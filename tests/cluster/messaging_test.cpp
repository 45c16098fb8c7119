// Messages between users whose connections sit on different nodes: every
// connection gets what the single-node contract promises, once, in order.
#include <map>
#include <set>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("a message crosses nodes to every connection of both users, once") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_0 = cluster.connect(0, alice);
  auto alice_2 = cluster.connect(2, alice);
  auto bob_1 = cluster.connect(1, bob);
  auto bob_2 = cluster.connect(2, bob);
  for (int round = 0; round < 2; ++round) {
    auto content = "hello " + std::to_string(round);
    alice_0->send_text(
        send_frame(bob.id, content, "k" + std::to_string(round)));
    auto sent = next_message_frame(*alice_0);
    CHECK(sent.type == "message_sent");
    CHECK(sent.client_msg_id == "k" + std::to_string(round));
    // The next frame on every other connection is this message: a copy of
    // the round before would show up here.
    for (auto* bob_ws : {bob_1.get(), bob_2.get()}) {
      auto got = next_message_frame(*bob_ws);
      CHECK(got.type == "incoming_message");
      CHECK(got.id == sent.id);
      CHECK(got.sender_id == alice.id);
      CHECK(got.content == content);
    }
    auto copy = next_message_frame(*alice_2);
    CHECK(copy.type == "outgoing_message");
    CHECK(copy.id == sent.id);
    CHECK(copy.content == content);
  }
}

TEST_CASE("a client_msg_id resent through another node is stored once") {
  test_cluster cluster{2};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto bob_ws = cluster.connect(1, bob);
  auto first = cluster.connect(0, alice);
  first->send_text(send_frame(bob.id, "only once", "same-key"));
  auto sent = next_message_frame(*first);
  REQUIRE(sent.type == "message_sent");
  auto second = cluster.connect(1, alice);
  second->send_text(send_frame(bob.id, "only once", "same-key"));
  auto again = next_message_frame(*second);
  CHECK(again.type == "message_sent");
  CHECK(again.id == sent.id);
  // bob got it once: the next message frame is the marker.
  CHECK(next_message_frame(*bob_ws).id == sent.id);
  second->send_text(send_frame(bob.id, "marker"));
  CHECK(next_message_frame(*bob_ws).content == "marker");
}

TEST_CASE("senders on two nodes, a recipient on a third that resumes on "
          "another node: every message once, ids ascending") {
  test_cluster cluster{3};
  auto carol = cluster.make_user(0, "carol");
  auto dave = cluster.make_user(1, "dave");
  auto bob = cluster.make_user(2, "bob");
  auto carol_ws = cluster.connect(0, carol);
  auto dave_ws = cluster.connect(1, dave);
  auto bob_ws = cluster.connect(2, bob, "?since=0");
  constexpr int per_sender = 150;
  // Both senders pipeline their messages: the two writers commit
  // concurrently and their routes race to bob's node.
  for (int i = 0; i < per_sender; ++i) {
    carol_ws->send_text(send_frame(bob.id, "c" + std::to_string(i)));
    dave_ws->send_text(send_frame(bob.id, "d" + std::to_string(i)));
  }
  std::vector<seen_frame> seen;
  std::int64_t cursor = 0;
  auto read_some = [&](ws_client& ws, std::size_t until) {
    while (seen.size() < until) {
      auto frame = next_message_frame(ws);
      REQUIRE(frame.type == "incoming_message");
      // Ascending ids on one connection: the highest id seen is a safe
      // cursor, so a replay from it never skips a message.
      CHECK(frame.id > cursor);
      cursor = frame.id;
      seen.push_back(frame);
    }
  };
  read_some(*bob_ws, per_sender);
  bob_ws->close();
  auto resumed = cluster.connect(0, bob, "?since=" + std::to_string(cursor));
  read_some(*resumed, 2 * per_sender);
  std::map<std::int64_t, int> next_of; // per sender: the next sequence number
  std::set<std::int64_t> ids;
  for (const auto& frame : seen) {
    CHECK(ids.insert(frame.id).second);
    auto expected = next_of[frame.sender_id]++;
    CHECK(frame.content.substr(1) == std::to_string(expected));
  }
  CHECK(next_of[carol.id] == per_sender);
  CHECK(next_of[dave.id] == per_sender);
}
