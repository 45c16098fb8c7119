// Messages to a user who is offline, sent through two nodes, reach the
// user's next plain connection on a third node; the delivered cursor that
// connection moved holds on every node, and GET /conversations on any node
// shows both conversations with their unread counts.
#include <map>
#include <set>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Sends `count` messages from `client` to `recipient` and waits for each
/// message_sent; their ids, in order.
std::vector<std::int64_t> send_confirmed(ws_client& client,
                                         std::int64_t recipient,
                                         const std::string& prefix, int count) {
  for (int i = 0; i < count; ++i)
    client.send_text(send_frame(recipient, prefix + std::to_string(i)));
  std::vector<std::int64_t> ids;
  while (ids.size() < static_cast<std::size_t>(count)) {
    auto frame = next_message_frame(client);
    if (frame.type == "message_sent") ids.push_back(frame.id);
  }
  return ids;
}

/// Reads `count` incoming messages: each once, ids ascending, each
/// sender's in the order sent. Returns them by id.
std::map<std::int64_t, seen_frame> receive(ws_client& client, int count) {
  std::map<std::int64_t, seen_frame> got;
  std::int64_t cursor = 0;
  std::map<std::int64_t, int> last_of_sender;
  while (got.size() < static_cast<std::size_t>(count)) {
    auto frame = next_message_frame(client);
    REQUIRE(frame.type == "incoming_message");
    CHECK(frame.id > cursor);
    cursor = frame.id;
    auto sequence = std::stoi(frame.content.substr(1));
    auto last = last_of_sender.find(frame.sender_id);
    if (last != last_of_sender.end()) CHECK(sequence == last->second + 1);
    last_of_sender[frame.sender_id] = sequence;
    got[frame.id] = frame;
  }
  return got;
}

} // namespace

TEST_CASE("offline messages sent through two nodes reach the user's next "
          "connection on a third; the cursor and the inbox agree on every "
          "node") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto carol = cluster.make_user(1, "carol");
  auto bob = cluster.make_user(2, "bob");
  auto alice_ws = cluster.connect(0, alice);
  auto carol_ws = cluster.connect(1, carol);
  // "a" and "c" prefixes keep each sender's sequence apart.
  auto from_alice = send_confirmed(*alice_ws, bob.id, "a", 5);
  auto from_carol = send_confirmed(*carol_ws, bob.id, "c", 5);

  // bob's first connection, plain, on the third node: the offline push.
  std::int64_t newest = 0;
  {
    auto bob_ws = cluster.connect(2, bob);
    auto got = receive(*bob_ws, 10);
    for (auto id : from_alice)
      CHECK(got.count(id) == 1);
    for (auto id : from_carol)
      CHECK(got.count(id) == 1);
    newest = got.rbegin()->first;
    // Written to its socket, so delivered: the cursor moves on node2.
    db_rows db{cluster.db_url()};
    REQUIRE(
        db.await_delivered_through(bob.id, newest, std::chrono::seconds(15)));
  }

  // Three more while he is away; his next plain connection, on node1,
  // gets exactly those: the cursor node2 moved holds there.
  auto later = send_confirmed(*alice_ws, bob.id, "a", 3);
  auto bob_again = cluster.connect(1, bob);
  std::vector<std::int64_t> pushed;
  for (int i = 0; i < 3; ++i) {
    auto frame = next_message_frame(*bob_again);
    REQUIRE(frame.type == "incoming_message");
    CHECK(frame.id > newest);
    pushed.push_back(frame.id);
  }
  CHECK(pushed == later);

  // The inbox, asked on node0: carol's conversation is older than
  // alice's, whose last message is the newest; nothing read yet.
  auto inbox = http_request("127.0.0.1", cluster.port(0), "GET",
                            "/conversations", {}, bearer(bob.token));
  REQUIRE(inbox.status == 200);
  auto doc = parse_json(inbox.body);
  REQUIRE(doc.HasMember("conversations"));
  const auto& list = doc["conversations"];
  REQUIRE(list.IsArray());
  REQUIRE(list.Size() == 2);
  CHECK(int_member(list[0]["peer"], "id") == alice.id);
  CHECK(int_member(list[0]["last_message"], "id") == later.back());
  CHECK(int_member(list[0], "unread_count") == 8);
  CHECK(int_member(list[1]["peer"], "id") == carol.id);
  CHECK(int_member(list[1]["last_message"], "id") == from_carol.back());
  CHECK(int_member(list[1], "unread_count") == 5);
}
