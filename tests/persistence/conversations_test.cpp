// Store tests for receipts (conversation cursors) and the inbox: who a user
// talks to, the last message, unread counts from the read cursor, paging.
#include <algorithm>

#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

namespace {

persistence::write_batch receipts_batch(std::vector<receipt> receipts) {
  persistence::write_batch batch;
  batch.receipts = std::move(receipts);
  return batch;
}

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "receipts only raise a conversation's cursors, and a read "
                  "counts as delivered") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  value_of(store->commit(receipts_batch({{bob, alice, 5, false}})));
  value_of(store->commit(receipts_batch({{bob, alice, 3, false},
                                         {carol, alice, 7, true},
                                         {carol, alice, 2, false}})));
  auto found = value_of(store->receipts_for(alice, 10));
  // Most recent readers first: carol (7) before bob (5).
  CHECK(found == std::vector<receipt>{{carol, alice, 7, false},
                                      {carol, alice, 7, true},
                                      {bob, alice, 5, false}});
  CHECK(value_of(store->receipts_for(bob, 10)).empty());
  CHECK(value_of(store->receipts_for(alice, 1)).size() == 2); // one reader
}

TEST_CASE_FIXTURE(store_fixture,
                  "conversations list each peer once, newest first, with the "
                  "last message either way and unread counts") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  auto dave = add_user("dave");
  send(bob, alice, "b1");
  auto b2 = send(bob, alice, "b2");
  send(carol, alice, "c1");
  auto a_to_b = send(alice, bob, "a to b");
  auto d1 = send(dave, alice, "d1");
  send(bob, carol, "not alice's");
  value_of(store->commit(receipts_batch(
      {{alice, bob, b2.id, true}, {bob, alice, a_to_b.id, false}})));
  auto inbox = value_of(store->conversations(alice, std::nullopt, 10));
  REQUIRE(inbox.size() == 3);
  CHECK(inbox[0].peer.username == "dave");
  CHECK(inbox[0].last == d1);
  CHECK(inbox[0].unread == 1);
  CHECK(inbox[1].peer.username == "bob");
  CHECK(inbox[1].last.id == a_to_b.id);
  CHECK(inbox[1].last.sender_id == alice);
  CHECK(inbox[1].unread == 0); // b1 and b2 are read
  CHECK(inbox[1].read_through == b2.id);
  CHECK(inbox[1].peer_delivered_through == a_to_b.id);
  CHECK(inbox[1].peer_read_through == 0);
  CHECK(inbox[2].peer.username == "carol");
  CHECK(inbox[2].unread == 1);
  // Paging by the last message id of the last conversation seen.
  auto first = value_of(store->conversations(alice, std::nullopt, 2));
  REQUIRE(first.size() == 2);
  auto rest = value_of(store->conversations(alice, first.back().last.id, 2));
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].peer.username == "carol");
  CHECK(value_of(store->conversations(dave, std::nullopt, 10)).size() == 1);
  CHECK(value_of(store->conversations(add_user("erin"), std::nullopt, 10))
            .empty());
}

} // namespace parley::testing
