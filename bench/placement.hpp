// Which node of --targets each connection goes to, so that with pairs
// every message crosses from one node to another.
#pragma once

#include <cstdint>

namespace parley::bench {

/// The node (index into --targets, 0 .. nodes-1) of connection `conn` of
/// user `user` among `users` (at least 2):
///
/// - user u's home is node u mod N, and its connection 0, the one it sends
///   from, is there; with pairs, partners 2k and 2k+1 have different homes;
/// - connection c of u goes to the c-th node, counting from u's home in
///   cyclic order, among the nodes other than the home of u's sender
///   (sender_of), so that none of u's connections shares a node with the
///   connection its messages come from.
///
/// So with pairs and N >= 2 a sender's first connection is never on a node
/// of its recipient's connections. The one exception: with an odd U and
/// N = 2 the last three users form a cycle, which two nodes cannot split
/// (user U-1 and its recipient U-3 both live on node (U-1) mod 2); N >= 3
/// splits it. With N = 2 every connection of a user sits on its home; with
/// N >= 3 they alternate over N-1 nodes. --pairing random uses the same
/// placement, so a message crosses nodes only by chance ((N-1)/N of them).
std::uint32_t node_of_connection(std::uint32_t user, std::uint32_t conn,
                                 std::uint32_t users, std::uint32_t nodes);

} // namespace parley::bench
