// A peer that falls behind: routes to it are bounded; once it catches up it
// reads what it was not sent, so its clients miss nothing.
#include <csignal>
#include <thread>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("routes to a stalled node stop at the bound; after it resumes "
          "its client gets every message once, in order") {
  test_cluster cluster{2, {"--cluster-max-in-flight", "16"}};
  INFO(cluster.logs());
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob, "?since=0");
  alice_ws->send_text(send_frame(bob.id, "m0"));
  REQUIRE(next_message_frame(*bob_ws).content == "m0");
  // Stalled for less than the link timeout: it stays a member.
  cluster.signal(1, SIGSTOP);
  constexpr int total = 100;
  for (int i = 1; i < total; ++i)
    alice_ws->send_text(send_frame(bob.id, "m" + std::to_string(i)));
  for (int i = 0; i < total; ++i)
    REQUIRE(next_message_frame(*alice_ws).type == "message_sent");
  auto deadline = std::chrono::steady_clock::now() + cluster_frame_timeout;
  while (cluster.node(0).stdout_text().find("routes behind") ==
             std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  CHECK(cluster.node(0).stdout_text().find("routes behind") !=
        std::string::npos);
  cluster.signal(1, SIGCONT);
  std::int64_t last = 0;
  for (int i = 1; i < total; ++i) {
    auto frame = next_message_frame(*bob_ws);
    CHECK(frame.id > last);
    last = frame.id;
    CHECK(frame.content == "m" + std::to_string(i));
  }
}
