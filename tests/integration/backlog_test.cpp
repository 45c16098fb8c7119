// Backlogs larger than a connection's outbound bound (1 MiB): the offline
// push and the replay go page by page and wait for the connection to drain,
// so a client that reads gets all of it, without being closed with 1008.
// A client that stops reading while live messages arrive is closed with
// 1008, and what its connection dropped comes on its next connection.
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"

using namespace parley::testing;

namespace {

/// 2,000 messages of 4,000 bytes: 8 MB, eight times the outbound bound.
constexpr int backlog_messages = 2000;
constexpr std::size_t backlog_content_bytes = 4000;

/// Alice sends Bob `count` messages of backlog_content_bytes each; their
/// ids in order.
std::vector<std::int64_t> send_large(const running_node& node,
                                     const logged_in_user& alice,
                                     std::int64_t bob_id, int count) {
  auto alice_ws = connect_with_header(node, alice);
  std::vector<std::int64_t> sent;
  constexpr int window = 50; // pipelined, within the read-pause bound
  for (int start = 0; start < count; start += window) {
    for (int i = start; i < start + window; ++i) {
      std::string content(backlog_content_bytes, 'a' + i % 26);
      alice_ws->send_text(private_message(bob_id, content));
    }
    for (int i = 0; i < window; ++i)
      sent.push_back(id_of(expect_next(*alice_ws, "message_sent")));
  }
  return sent;
}

/// Alice and Bob on a node.
struct two_users {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
};

/// Alice sent Bob a large backlog while he was away.
struct large_backlog : two_users {
  std::vector<std::int64_t> ids =
      send_large(node, alice, bob.id, backlog_messages);
};

/// Reads `count` incoming_message frames and returns their ids; fails on
/// anything else, a close included.
std::vector<std::int64_t> read_incoming(ws_client& ws, std::size_t count) {
  std::vector<std::int64_t> seen;
  while (seen.size() < count) {
    auto frame = next_frame(ws);
    REQUIRE(type_of(frame) == "incoming_message");
    seen.push_back(id_of(frame));
  }
  return seen;
}

/// Reads incoming_message ids into `seen` until the server closes the
/// connection; its close code. Fails on any other frame, and when nothing
/// (neither a frame nor the close) comes within frame_timeout.
int read_until_closed(ws_client& ws, std::set<std::int64_t>& seen) {
  for (;;) {
    std::optional<rapidjson::Document> frame;
    try {
      frame = ws.read_json(frame_timeout);
    } catch (const std::runtime_error&) {
      return ws.expect_close(frame_timeout).value_or(0);
    }
    REQUIRE(frame);
    REQUIRE(type_of(*frame) == "incoming_message");
    seen.insert(id_of(*frame));
  }
}

} // namespace

TEST_CASE("a plain client that stops reading while live messages arrive is "
          "closed with 1008, and its next connection gets every message it "
          "did not read") {
  // 16 MB: more than the outbound bound plus what the kernel's socket
  // buffers on both ends can hold (at most ~10 MB with Linux's defaults).
  constexpr int live_messages = 4000;
  two_users s;
  auto bob_ws = connect_with_header(s.node, s.bob);
  auto ids = send_large(s.node, s.alice, s.bob.id, live_messages);
  // Bob reads only now: what the kernel took before the 1008, then the
  // close. The frames his connection had queued were dropped with it.
  std::set<std::int64_t> seen;
  CHECK(read_until_closed(*bob_ws, seen) == 1008);
  REQUIRE(seen.size() < ids.size());
  // Only frames that reached the socket counted as delivered: the next
  // plain connection is pushed every other one.
  auto again = connect_with_header(s.node, s.bob);
  std::set<std::int64_t> expected(ids.begin(), ids.end());
  // next_frame fails the test when no frame comes within frame_timeout.
  while (seen != expected) {
    auto frame = next_frame(*again);
    REQUIRE(type_of(frame) == "incoming_message");
    seen.insert(id_of(frame));
  }
}

TEST_CASE("an offline backlog eight times the outbound bound reaches a plain "
          "client whole, on its first connection") {
  large_backlog s;
  auto bob_ws = connect_with_header(s.node, s.bob);
  CHECK(read_incoming(*bob_ws, s.ids.size()) == s.ids);
  // And it counts as delivered once written: the next connection is quiet.
  await_live(*bob_ws, s.ids.back());
  bob_ws->close();
  auto again = connect_with_header(s.node, s.bob);
  auto marker =
      send_and_ack(*connect_with_header(s.node, s.alice), s.bob.id, "marker");
  auto first = next_frame(*again);
  // Writes are confirmed asynchronously: a tail of the backlog may come
  // again, but never a gap, and the marker arrives.
  while (id_of(first) != marker) {
    CHECK(id_of(first) > s.ids.front());
    first = next_frame(*again);
  }
}

TEST_CASE("a resume over a backlog eight times the outbound bound is never "
          "closed by its own replay") {
  large_backlog s;
  auto bob_ws = connect_with_header(s.node, s.bob, "since=0");
  CHECK(read_incoming(*bob_ws, s.ids.size()) == s.ids);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(done["last_id"].GetInt64() == s.ids.back());
}
