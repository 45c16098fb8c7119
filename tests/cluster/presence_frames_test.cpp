// Presence and typing frames across nodes: a user on one node hears when a
// peer on another comes, goes, dies with its node, and types.
#include <csignal>
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/support/live_frames.hpp"

using namespace parley::testing;

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

  bob_ws->send_text(typing_frame(alice.id, "start"));
  CHECK(
      alice_ws->read_until(typing_is(bob.id, "start"), cluster_frame_timeout));
  bob_ws->send_text(typing_frame(alice.id, "stop"));
  CHECK(alice_ws->read_until(typing_is(bob.id, "stop"), cluster_frame_timeout));

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
