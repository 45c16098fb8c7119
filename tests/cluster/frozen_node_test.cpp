// A node frozen (SIGSTOP) longer than the others wait is removed; when it
// thaws it delivers nothing stale or twice: it closes its connections with
// 1012 and registers again, and its clients resume.
#include <csignal>
#include <set>
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("a node frozen for 10 s is removed, then closes its connections "
          "and rejoins; its client resumes without loss or repeat") {
  test_cluster cluster{3};
  INFO(cluster.logs());
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(0, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_1 = cluster.connect(1, bob, "?since=0");
  auto bob_2 = cluster.connect(2, bob, "?since=0");
  // Sends one message and waits for its message_sent (resending by key if
  // the database lock of a frozen node made the store time out).
  int sent = 0;
  auto send_one = [&] {
    auto key = "k" + std::to_string(sent);
    auto content = "m" + std::to_string(sent);
    for (;;) {
      alice_ws->send_text(send_frame(bob.id, content, key));
      auto frame = alice_ws->read_json(cluster_frame_timeout);
      REQUIRE(frame);
      auto type = string_member(*frame, "type");
      if (type == "message_sent") break;
      REQUIRE(type == "error");
    }
    ++sent;
  };
  std::int64_t seen_on_2 = 0;
  for (int i = 0; i < 5; ++i) {
    send_one();
    seen_on_2 = next_message_frame(*bob_2).id;
  }
  db_rows db{cluster.db_url()};
  auto presence_becomes = [&](std::vector<std::string> nodes) {
    auto deadline = std::chrono::steady_clock::now() + membership_timeout;
    while (db.presence_nodes(bob.id) != nodes &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    return db.presence_nodes(bob.id) == nodes;
  };
  REQUIRE(presence_becomes({"node1", "node2"}));
  cluster.signal(2, SIGSTOP);
  REQUIRE(cluster.wait_for_members(0, {"node0", "node1"}));
  // Removed from the members table, with its presence rows.
  REQUIRE(presence_becomes({"node1"}));
  for (int i = 0; i < 5; ++i)
    send_one();
  cluster.signal(2, SIGCONT);
  // Whatever the thawed node still writes is in order and new; then it
  // closes the connection.
  auto closed = false;
  std::set<std::string> contents;
  while (!closed) {
    try {
      auto doc = bob_2->read_json(cluster_frame_timeout);
      REQUIRE_MESSAGE(doc, "the thawed node neither wrote nor closed");
      if (string_member(*doc, "type") == "incoming_message") {
        auto id = int_member(*doc, "id").value_or(0);
        CHECK(id > seen_on_2);
        seen_on_2 = id;
        CHECK(contents.insert(string_member(*doc, "content").value_or(""))
                  .second);
      }
    } catch (const std::runtime_error&) {
      closed = true; // the server closed the connection
    }
  }
  CHECK(cluster.wait_for_members(0, {"node0", "node1", "node2"}));
  // bob resumes on the thawed node from what it had seen: the rest, once,
  // in order.
  auto again = cluster.connect(2, bob, "?since=" + std::to_string(seen_on_2));
  auto last_content = "m" + std::to_string(sent - 1);
  std::int64_t cursor = seen_on_2;
  while (contents.count(last_content) == 0) {
    auto frame = next_message_frame(*again);
    CHECK(frame.id > cursor);
    cursor = frame.id;
    CHECK(contents.insert(frame.content).second);
  }
  // The other node's connection got all of them, in order, once.
  std::int64_t last = 0;
  for (int i = 0; i < sent; ++i) {
    auto frame = next_message_frame(*bob_1);
    CHECK(frame.id > last);
    last = frame.id;
    CHECK(frame.content == "m" + std::to_string(i));
  }
}
