// Commit order restored from links (see user_stream_order.hpp).
#include "actors/user_stream_order.hpp"

#include <utility>

namespace parley {

released_routes user_stream_order::start(message_id head) {
  released_routes out;
  started_ = true;
  head_ = head;
  release_following(out);
  return out;
}

released_routes user_stream_order::offer(stream_route route, message_id prev) {
  released_routes out;
  if (started_ && route.message.id <= head_) {
    out.late.push_back(std::move(route));
    return out;
  }
  waiting_.emplace(prev, std::move(route));
  if (started_) release_following(out);
  return out;
}

released_routes user_stream_order::fill(std::vector<chat_message> rows) {
  released_routes out;
  if (!started_) return out; // the stream's start decides what comes next
  for (auto& row : rows) {
    if (row.id <= head_) continue;
    // The waiting route for this very message carries its origin.
    stream_route route{std::move(row), {}};
    auto [first, last] = waiting_.equal_range(head_);
    for (auto i = first; i != last; ++i) {
      if (i->second.message.id == route.message.id) {
        route = std::move(i->second);
        waiting_.erase(i);
        break;
      }
    }
    head_ = route.message.id;
    out.in_order.push_back(std::move(route));
  }
  release_following(out);
  return out;
}

void user_stream_order::release_following(released_routes& out) {
  // A route whose predecessor is at or below the head follows it: the
  // links of one stream form a chain, so there is at most one such new
  // route; copies of released messages are late.
  while (!waiting_.empty() && waiting_.begin()->first <= head_) {
    auto node = waiting_.extract(waiting_.begin());
    auto& route = node.mapped();
    if (route.message.id <= head_) {
      out.late.push_back(std::move(route));
      continue;
    }
    head_ = route.message.id;
    out.in_order.push_back(std::move(route));
  }
}

} // namespace parley
