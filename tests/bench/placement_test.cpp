// Placement of connections on the nodes of --targets: with pairs, a
// sender's first connection never shares a node with any connection of its
// recipient, and the connections spread over the nodes.
#include <algorithm>
#include <set>
#include <vector>

#include <doctest/doctest.h>

#include "bench/pairing.hpp"
#include "bench/placement.hpp"

namespace {

using namespace parley::bench;

/// Whether, for every sender under pairs, its connection 0 is on a node
/// none of its recipient's connections is on.
bool every_pair_crosses(std::uint32_t users, std::uint32_t conns,
                        std::uint32_t nodes) {
  for (std::uint32_t s = 0; s < users; ++s) {
    auto r = partner_of(s, users);
    auto from = node_of_connection(s, 0, users, nodes);
    for (std::uint32_t c = 0; c < conns; ++c)
      if (node_of_connection(r, c, users, nodes) == from) return false;
  }
  return true;
}

} // namespace

TEST_CASE("sender_of reads partner_of backwards, the cycle of three "
          "included") {
  for (std::uint32_t users = 2; users <= 41; ++users)
    for (std::uint32_t u = 0; u < users; ++u) {
      CAPTURE(users);
      CAPTURE(u);
      CHECK(sender_of(partner_of(u, users), users) == u);
      CHECK(partner_of(sender_of(u, users), users) == u);
    }
}

TEST_CASE("with pairs every message crosses nodes, for any even U, any "
          "connections per user and two or more nodes") {
  for (std::uint32_t nodes = 2; nodes <= 7; ++nodes)
    for (std::uint32_t users = 2; users <= 40; users += 2)
      for (std::uint32_t conns : {1u, 2u, 3u, 5u, 20u, 64u}) {
        CAPTURE(nodes);
        CAPTURE(users);
        CAPTURE(conns);
        CHECK(every_pair_crosses(users, conns, nodes));
      }
}

TEST_CASE("with an odd U, three or more nodes split the cycle of the last "
          "three users too") {
  for (std::uint32_t nodes = 3; nodes <= 7; ++nodes)
    for (std::uint32_t users = 3; users <= 41; users += 2)
      for (std::uint32_t conns : {1u, 2u, 4u, 64u}) {
        CAPTURE(nodes);
        CAPTURE(users);
        CAPTURE(conns);
        CHECK(every_pair_crosses(users, conns, nodes));
      }
}

TEST_CASE("with an odd U on two nodes only the message from the last user "
          "to the third-last stays on one node") {
  for (std::uint32_t users = 3; users <= 41; users += 2) {
    CAPTURE(users);
    CHECK_FALSE(every_pair_crosses(users, 1, 2));
    for (std::uint32_t s = 0; s < users; ++s) {
      auto r = partner_of(s, users);
      bool same = node_of_connection(s, 0, users, 2) ==
                  node_of_connection(r, 0, users, 2);
      CHECK(same == (s == users - 1));
    }
  }
}

TEST_CASE("one node takes every connection") {
  for (std::uint32_t u = 0; u < 9; ++u)
    for (std::uint32_t c = 0; c < 4; ++c)
      CHECK(node_of_connection(u, c, 9, 1) == 0);
}

TEST_CASE("a user's first connection is on its home node u mod N, and "
          "every connection is on a node that exists") {
  for (std::uint32_t nodes = 1; nodes <= 6; ++nodes)
    for (std::uint32_t users : {2u, 3u, 10u, 11u})
      for (std::uint32_t u = 0; u < users; ++u) {
        CHECK(node_of_connection(u, 0, users, nodes) == u % nodes);
        for (std::uint32_t c = 0; c < 64; ++c)
          CHECK(node_of_connection(u, c, users, nodes) < nodes);
      }
}

TEST_CASE("on three or more nodes a user's connections use N-1 nodes, and "
          "the nodes get about the same number of connections") {
  for (std::uint32_t nodes = 3; nodes <= 6; ++nodes) {
    CAPTURE(nodes);
    constexpr std::uint32_t users = 1000, conns = 20;
    std::vector<std::uint32_t> per_node(nodes, 0);
    for (std::uint32_t u = 0; u < users; ++u) {
      std::set<std::uint32_t> used;
      for (std::uint32_t c = 0; c < conns; ++c) {
        auto node = node_of_connection(u, c, users, nodes);
        used.insert(node);
        ++per_node[node];
      }
      CHECK(used.size() == nodes - 1);
    }
    auto [least, most] = std::minmax_element(per_node.begin(), per_node.end());
    // 20 connections over N-1 nodes do not divide evenly for every N (on
    // 4 nodes the home takes 7, the others 7 and 6): within 10 %.
    double even = static_cast<double>(users) * conns / nodes;
    CHECK(*least >= even * 0.9);
    CHECK(*most <= even * 1.1);
  }
}

TEST_CASE("on two nodes every connection of a user stays on its home, half "
          "the users on each") {
  std::uint32_t on_first = 0;
  for (std::uint32_t u = 0; u < 100; ++u)
    for (std::uint32_t c = 0; c < 5; ++c) {
      auto node = node_of_connection(u, c, 100, 2);
      CHECK(node == u % 2);
      on_first += node == 0;
    }
  CHECK(on_first == 250);
}
