// Placement of connections on nodes; see placement.hpp for the rule.
#include "bench/placement.hpp"

#include "bench/pairing.hpp"

namespace parley::bench {

std::uint32_t node_of_connection(std::uint32_t user, std::uint32_t conn,
                                 std::uint32_t users, std::uint32_t nodes) {
  if (nodes <= 1) return 0;
  auto home = user % nodes;
  auto avoid = sender_of(user, users) % nodes;
  // Only the three-cycle on two nodes gets here: nothing to avoid with.
  if (home == avoid) return home;
  // The N-1 nodes other than `avoid`, numbered 0 .. N-2 in node order;
  // start at the home's number and step once per connection.
  auto rank = home < avoid ? home : home - 1;
  auto chosen = (rank + conn) % (nodes - 1);
  return chosen < avoid ? chosen : chosen + 1;
}

} // namespace parley::bench
