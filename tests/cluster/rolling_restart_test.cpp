// Every node stopped with SIGTERM in turn, under traffic: clients get 1001,
// reconnect to another node, resume and resend; nothing is lost, nothing
// stored or shown twice.
#include <csignal>
#include <map>
#include <set>
#include <stdexcept>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// A client of the test: which node it is on and its connection.
struct client {
  logged_in_user user;
  std::size_t node = 0;
  std::unique_ptr<ws_client> ws;
};

} // namespace

TEST_CASE("a rolling SIGTERM of every node loses and repeats nothing") {
  test_cluster cluster{3};
  client alice{cluster.make_user(0, "alice"), 0, nullptr};
  client bob{cluster.make_user(0, "bob"), 1, nullptr};
  alice.ws = cluster.connect(alice.node, alice.user);
  bob.ws = cluster.connect(bob.node, bob.user, "?since=0");
  std::map<std::string, std::string> unconfirmed; // key -> content
  std::set<std::string> confirmed, received;
  std::int64_t bob_cursor = 0;
  int next = 0;
  // Reads alice's frames until `want` keys are confirmed or her node closes
  // the connection; true when it closed.
  auto read_alice = [&](std::size_t want) {
    try {
      while (confirmed.size() < want) {
        auto doc = alice.ws->read_json(cluster_frame_timeout);
        REQUIRE(doc);
        if (string_member(*doc, "type") != "message_sent") continue;
        auto key = string_member(*doc, "client_msg_id").value_or("");
        unconfirmed.erase(key);
        confirmed.insert(key);
      }
    } catch (const std::runtime_error&) {
      return true;
    }
    return false;
  };
  auto read_bob = [&](std::size_t want) {
    try {
      while (received.size() < want) {
        auto frame = next_message_frame(*bob.ws);
        if (frame.type != "incoming_message") continue;
        CHECK(frame.id > bob_cursor);
        bob_cursor = frame.id;
        CHECK(received.insert(frame.content).second);
      }
    } catch (const std::runtime_error&) {
      return true;
    }
    return false;
  };
  for (std::size_t stopped = 0; stopped < 3; ++stopped) {
    // A burst in flight while the node stops.
    for (int i = 0; i < 30; ++i, ++next) {
      auto key = "k" + std::to_string(next);
      unconfirmed[key] = "m" + std::to_string(next);
      alice.ws->send_text(send_frame(bob.user.id, unconfirmed[key], key));
    }
    cluster.signal(stopped, SIGTERM);
    auto elsewhere = (stopped + 1) % 3;
    if (read_alice(static_cast<std::size_t>(next))) {
      alice.node = elsewhere;
      alice.ws = cluster.connect(alice.node, alice.user);
      for (const auto& [key, content] : unconfirmed)
        alice.ws->send_text(send_frame(bob.user.id, content, key));
      CHECK_FALSE(read_alice(static_cast<std::size_t>(next)));
    }
    if (read_bob(static_cast<std::size_t>(next))) {
      bob.node = elsewhere;
      bob.ws = cluster.connect(bob.node, bob.user,
                               "?since=" + std::to_string(bob_cursor));
      CHECK_FALSE(read_bob(static_cast<std::size_t>(next)));
    }
    CHECK(unconfirmed.empty());
    cluster.restart(stopped);
    REQUIRE(cluster.wait_for_members(elsewhere, {"node0", "node1", "node2"}));
  }
  CHECK(received.size() == static_cast<std::size_t>(next));
  db_rows db{cluster.db_url()};
  CHECK(db.messages().size() == static_cast<std::size_t>(next));
}

TEST_CASE("a fourth node started under traffic joins and serves") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto bob_ws = cluster.connect(1, bob);
  for (int i = 0; i < 50; ++i)
    alice_ws->send_text(send_frame(bob.id, "before" + std::to_string(i)));
  auto fourth = cluster.add_node();
  for (int i = 0; i < 50; ++i)
    alice_ws->send_text(send_frame(bob.id, "during" + std::to_string(i)));
  REQUIRE(
      cluster.wait_for_members(fourth, {"node0", "node1", "node2", "node3"}));
  // bob keeps his connection: every message once, in order.
  std::int64_t last = 0;
  for (auto prefix : {"before", "during"})
    for (int i = 0; i < 50; ++i) {
      auto frame = next_message_frame(*bob_ws);
      CHECK(frame.id > last);
      last = frame.id;
      CHECK(frame.content == prefix + std::to_string(i));
    }
  // The new node serves: a user there talks to bob on node1.
  auto carol = cluster.make_user(fourth, "carol");
  auto carol_ws = cluster.connect(fourth, carol);
  carol_ws->send_text(send_frame(bob.id, "from the new node"));
  CHECK(next_message_frame(*carol_ws).type == "message_sent");
  auto got = next_message_frame(*bob_ws);
  CHECK(got.content == "from the new node");
  CHECK(got.sender_id == carol.id);
}
