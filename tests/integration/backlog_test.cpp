// Backlogs larger than a connection's outbound bound (1 MiB): the offline
// push and the replay go page by page and wait for the connection to drain,
// so a client that reads gets all of it, without being closed with 1008.
#include <cstdint>
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

/// Alice sent Bob a large backlog while he was away.
struct large_backlog {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  std::vector<std::int64_t> ids = send_backlog();

  std::vector<std::int64_t> send_backlog() {
    auto alice_ws = connect_with_header(node, alice);
    std::vector<std::int64_t> sent;
    constexpr int window = 50; // pipelined, within the read-pause bound
    for (int start = 0; start < backlog_messages; start += window) {
      for (int i = start; i < start + window; ++i) {
        std::string content(backlog_content_bytes, 'a' + i % 26);
        alice_ws->send_text(private_message(bob.id, content));
      }
      for (int i = 0; i < window; ++i)
        sent.push_back(id_of(expect_next(*alice_ws, "message_sent")));
    }
    return sent;
  }
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

} // namespace

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
