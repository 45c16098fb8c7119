// A node dies under traffic: its clients reconnect to another node, resume
// and resend what was not confirmed; nothing acknowledged is lost, nothing
// is stored twice, no connection sees a message twice.
#include <csignal>
#include <set>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("SIGKILL of the sender's node mid-stream: resent by key through "
          "another node, stored once, received once") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto bob_ws = cluster.connect(0, bob, "?since=0");
  auto alice_ws = cluster.connect(2, alice);
  constexpr int total = 200;
  auto key = [](int i) { return "k" + std::to_string(i); };
  for (int i = 0; i < total; ++i)
    alice_ws->send_text(send_frame(bob.id, "m" + std::to_string(i), key(i)));
  // Some are confirmed, then the node dies with the rest in flight.
  std::set<std::string> confirmed;
  while (confirmed.size() < 50) {
    auto frame = next_message_frame(*alice_ws);
    if (frame.type == "message_sent") confirmed.insert(frame.client_msg_id);
  }
  cluster.signal(2, SIGKILL);
  CHECK(cluster.wait_for_members(0, {"node0", "node1"}));
  // The client comes back elsewhere and resends everything it has no
  // message_sent for, with the same keys.
  auto again = cluster.connect(1, alice);
  int resent = 0;
  for (int i = 0; i < total; ++i) {
    if (confirmed.count(key(i)) > 0) continue;
    again->send_text(send_frame(bob.id, "m" + std::to_string(i), key(i)));
    ++resent;
  }
  for (int i = 0; i < resent; ++i) {
    auto frame = next_message_frame(*again);
    CHECK(frame.type == "message_sent");
    confirmed.insert(frame.client_msg_id);
  }
  CHECK(confirmed.size() == static_cast<std::size_t>(total));
  // bob's connection, on a surviving node, gets each message once, in
  // ascending ids, and in alice's order.
  std::set<std::string> received;
  std::int64_t cursor = 0;
  int last_sequence = -1;
  while (received.size() < static_cast<std::size_t>(total)) {
    auto frame = next_message_frame(*bob_ws);
    REQUIRE(frame.type == "incoming_message");
    CHECK(frame.id > cursor);
    cursor = frame.id;
    CHECK(received.insert(frame.content).second);
    auto sequence = std::stoi(frame.content.substr(1));
    CHECK(sequence > last_sequence);
    last_sequence = sequence;
  }
  db_rows db{cluster.db_url()};
  std::set<std::string> stored;
  for (const auto& row : db.messages())
    CHECK(stored.insert(row.client_msg_id.value_or("")).second);
  CHECK(stored.size() == static_cast<std::size_t>(total));
}
