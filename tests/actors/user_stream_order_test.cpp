// A user's stream put back in commit order from routes that arrive in any
// order (cluster mode): the links decide, the database fills gaps.
#include <doctest/doctest.h>

#include "actors/user_stream_order.hpp"

using namespace parley;

namespace {

constexpr user_id me = 7;

stream_route route_of(message_id id) {
  chat_message msg;
  msg.id = id;
  msg.sender_id = 9;
  msg.recipient_id = me;
  return stream_route{msg, {}};
}

std::vector<message_id> ids_of(const std::vector<stream_route>& routes) {
  std::vector<message_id> ids;
  for (const auto& route : routes)
    ids.push_back(route.message.id);
  return ids;
}

chat_message row_of(message_id id) {
  return route_of(id).message;
}

} // namespace

TEST_CASE("a route whose predecessor was released goes on at once") {
  user_stream_order order;
  CHECK(order.start(10).in_order.empty());
  CHECK(ids_of(order.offer(route_of(12), 10).in_order) ==
        std::vector<message_id>{12});
  CHECK(order.head() == 12);
  CHECK_FALSE(order.waiting());
}

TEST_CASE("a route that overtook its predecessor waits for it") {
  user_stream_order order;
  order.start(10);
  CHECK(order.offer(route_of(15), 12).in_order.empty());
  CHECK(order.offer(route_of(17), 15).in_order.empty());
  CHECK(order.waiting());
  CHECK(ids_of(order.offer(route_of(12), 10).in_order) ==
        std::vector<message_id>{12, 15, 17});
  CHECK_FALSE(order.waiting());
}

TEST_CASE("routes before the start wait; those the start covers are late") {
  user_stream_order order;
  CHECK(order.offer(route_of(5), 3).in_order.empty());
  CHECK(order.offer(route_of(8), 5).in_order.empty());
  CHECK(order.offer(route_of(11), 8).in_order.empty());
  // Nothing before the start is read: a gap read would release the copies
  // that the sessions' catch-ups read from the database.
  CHECK(order.fill({row_of(1), row_of(5)}).in_order.empty());
  auto released = order.start(8);
  CHECK(ids_of(released.in_order) == std::vector<message_id>{11});
  CHECK(ids_of(released.late) == std::vector<message_id>{5, 8});
}

TEST_CASE("a gap read from the database fills in, and a waiting route keeps "
          "its origin") {
  user_stream_order order;
  order.start(10);
  order.offer(route_of(20), 14);
  order.offer(route_of(14), 12);
  REQUIRE(order.waiting());
  auto released = order.fill({row_of(12), row_of(14), row_of(20), row_of(21)});
  CHECK(ids_of(released.in_order) == std::vector<message_id>{12, 14, 20, 21});
  CHECK(order.head() == 21);
  CHECK_FALSE(order.waiting());
  // A late copy of a message the gap read released is late, not new.
  auto late = order.offer(route_of(21), 20);
  CHECK(late.in_order.empty());
  CHECK(ids_of(late.late) == std::vector<message_id>{21});
}

TEST_CASE("an old copy arriving after its successors is late") {
  user_stream_order order;
  order.start(0);
  order.offer(route_of(1), 0);
  order.offer(route_of(2), 1);
  auto released = order.offer(route_of(1), 0);
  CHECK(released.in_order.empty());
  CHECK(ids_of(released.late) == std::vector<message_id>{1});
}
