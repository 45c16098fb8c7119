// Resume: ?since= and the sync frame replay everything to or from the user
// after a message id, then sync_complete, then live traffic, with no gap and
// no duplicate, also while messages keep arriving.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Alice and Bob on one node.
struct two_users {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
};

/// One frame as a resuming client keeps it: the type and the message id
/// (for sync_complete, its last_id).
struct seen_frame {
  std::string type;
  std::int64_t id = 0;
};

seen_frame keep(const rapidjson::Document& frame) {
  auto type = type_of(frame);
  if (type == "sync_complete")
    return {type, int_member(frame, "last_id").value_or(-1)};
  return {type, id_of(frame)};
}

std::string describe(const std::vector<seen_frame>& frames) {
  std::ostringstream out;
  for (const auto& frame : frames)
    out << (frame.type == "sync_complete" ? "done:" : "") << frame.id << ' ';
  return out.str();
}

/// Checks one stretch of a connection that began with `since`: message
/// frames carry exactly the ids of `all_ids` (sorted) above `since`, from
/// the first on, each once and in order; sync_complete comes at most once
/// and names the last id replayed before it, or `since`. True when it came.
bool check_resumed_stretch(const std::vector<seen_frame>& frames,
                           std::int64_t since,
                           const std::vector<std::int64_t>& all_ids) {
  INFO("since " << since << ": " << describe(frames));
  auto expected = std::upper_bound(all_ids.begin(), all_ids.end(), since);
  auto last = since;
  int completions = 0;
  for (const auto& frame : frames) {
    if (frame.type == "sync_complete") {
      ++completions;
      CHECK(frame.id == last);
      continue;
    }
    CHECK(frame.type == "incoming_message");
    REQUIRE(expected != all_ids.end());
    CHECK(frame.id == *expected);
    last = frame.id;
    ++expected;
  }
  CHECK(completions <= 1);
  return completions == 1;
}

/// One of Bob's connections during the stream.
struct bob_connection {
  std::int64_t since = 0;
  std::vector<seen_frame> frames;
  std::size_t sync_sent_at = 0;    ///< frames.size() when sync was sent
  std::int64_t sync_after_id = -1; ///< -1: no sync frame sent
};

/// How Bob's successive connections behave, in turn: stay for a while,
/// leave early (often in the middle of the replay), or send a sync frame
/// for messages he has already seen.
enum class bob_habit { stay, leave_early, resync };

/// Streams `count` messages from Alice to Bob in bursts, each burst sent
/// before its acks are read; the acknowledged ids.
std::vector<std::int64_t> stream_to(const running_node& node,
                                    const logged_in_user& alice,
                                    std::int64_t bob, int count,
                                    std::atomic<bool>& done) {
  constexpr int burst = 10;
  std::vector<std::int64_t> acked;
  auto ws = connect_with_header(node, alice);
  for (int sent = 0; sent < count; sent += burst) {
    for (int i = 0; i < burst; ++i)
      ws->send_text(private_message(bob, "stream " + std::to_string(sent + i)));
    for (int i = 0; i < burst; ++i)
      acked.push_back(id_of(expect_next(*ws, "message_sent")));
  }
  done = true;
  return acked;
}

/// Reads frames into `log` until the next sync_complete and then until
/// `live_wanted` more messages arrived or all `total` are seen, so that it
/// never waits for a frame that cannot come.
void read_through(ws_client& ws, bob_connection& log, int live_wanted,
                  std::set<std::int64_t>& seen, std::size_t total) {
  bool completed = false;
  int live = 0;
  while (!completed || (live < live_wanted && seen.size() < total)) {
    auto frame = keep(next_frame(ws));
    log.frames.push_back(frame);
    if (frame.type == "sync_complete") {
      completed = true;
      continue;
    }
    seen.insert(frame.id);
    if (completed) ++live;
  }
}

} // namespace

TEST_CASE("a client that reconnects with since during continuous traffic "
          "gets every message once and in order") {
  two_users users;
  constexpr int message_count = 400;
  std::atomic<bool> sender_done{false};
  std::vector<std::int64_t> acked;
  std::string sender_failure;
  std::thread sender([&] {
    try {
      acked = stream_to(users.node, users.alice, users.bob.id, message_count,
                        sender_done);
    } catch (const std::exception& e) {
      sender_failure = e.what();
      sender_done = true;
    }
  });

  std::vector<bob_connection> logs;
  std::set<std::int64_t> seen;
  std::string bob_failure;
  try {
    std::int64_t since = 0;
    constexpr int max_connections = 200;
    for (int turn = 0; seen.size() < message_count && turn < max_connections;
         ++turn) {
      auto habit = static_cast<bob_habit>(turn % 3);
      auto query = "since=" + std::to_string(since);
      auto ws = turn % 2 == 0
                    ? connect_with_header(users.node, users.bob, query)
                    : connect_with_query_token(users.node, users.bob, query);
      logs.push_back({since, {}, 0, -1});
      auto& log = logs.back();
      if (habit == bob_habit::leave_early) {
        for (int i = 0; i < 3; ++i) {
          auto frame = keep(next_frame(*ws));
          log.frames.push_back(frame);
          if (frame.type != "sync_complete")
            seen.insert(frame.id);
          else if (seen.size() == message_count)
            break;
        }
      } else {
        read_through(*ws, log, 15, seen, message_count);
      }
      std::vector<std::int64_t> message_ids;
      for (const auto& frame : log.frames)
        if (frame.type != "sync_complete") message_ids.push_back(frame.id);
      if (habit == bob_habit::resync && message_ids.size() > 5) {
        log.sync_after_id = message_ids[message_ids.size() - 5];
        log.sync_sent_at = log.frames.size();
        ws->send_text(sync_request(log.sync_after_id));
        read_through(*ws, log, 10, seen, message_count);
        message_ids.clear();
        for (const auto& frame : log.frames)
          if (frame.type != "sync_complete") message_ids.push_back(frame.id);
      }
      if (!message_ids.empty())
        since = *std::max_element(message_ids.begin(), message_ids.end());
      ws->close();
    }
  } catch (const std::exception& e) {
    bob_failure = e.what();
  }
  sender.join();
  REQUIRE_MESSAGE(sender_failure.empty(), sender_failure);
  CHECK_MESSAGE(bob_failure.empty(), bob_failure);
  REQUIRE(acked.size() == static_cast<std::size_t>(message_count));

  auto all_ids = acked;
  std::sort(all_ids.begin(), all_ids.end());
  CHECK(std::adjacent_find(all_ids.begin(), all_ids.end()) == all_ids.end());
  int mid_stream = 0;
  for (std::size_t c = 0; c < logs.size(); ++c) {
    const auto& log = logs[c];
    INFO("connection " << c);
    if (log.sync_after_id < 0) {
      check_resumed_stretch(log.frames, log.since, all_ids);
    } else {
      // After the sync, the replay starts again below what was seen last:
      // the first message id that does not grow begins the second stretch.
      auto boundary = log.sync_sent_at;
      std::int64_t previous = 0;
      for (std::size_t i = 0; i < log.frames.size(); ++i) {
        const auto& frame = log.frames[i];
        if (frame.type == "sync_complete") continue;
        if (i >= log.sync_sent_at && frame.id <= previous) {
          boundary = i;
          break;
        }
        previous = frame.id;
      }
      std::vector<seen_frame> before(log.frames.begin(),
                                     log.frames.begin() + boundary);
      std::vector<seen_frame> after(log.frames.begin() + boundary,
                                    log.frames.end());
      CHECK(check_resumed_stretch(before, log.since, all_ids));
      CHECK(check_resumed_stretch(after, log.sync_after_id, all_ids));
    }
    bool replayed =
        !log.frames.empty() && log.frames[0].type != "sync_complete";
    if (replayed && log.frames.back().type != "sync_complete") ++mid_stream;
  }
  CHECK(seen == std::set<std::int64_t>(all_ids.begin(), all_ids.end()));
  MESSAGE(logs.size() << " connections; " << mid_stream
                      << " got a replay and more after it");
}

TEST_CASE("a sync frame on a live connection replays after after_id, then "
          "sync_complete, then live traffic") {
  two_users users;
  auto alice_ws = connect_with_header(users.node, users.alice);
  auto bob_ws = connect_with_header(users.node, users.bob, "since=0");
  expect_next(*bob_ws, "sync_complete");
  auto a1 = send_and_ack(*alice_ws, users.bob.id, "a1");
  auto a2 = send_and_ack(*alice_ws, users.bob.id, "a2");
  expect_next(*bob_ws, "incoming_message", a1);
  expect_next(*bob_ws, "incoming_message", a2);
  auto b1 = send_and_ack(*bob_ws, users.alice.id, "b1");
  expect_next(*alice_ws, "incoming_message", b1);
  auto a3 = send_and_ack(*alice_ws, users.bob.id, "a3");
  expect_next(*bob_ws, "incoming_message", a3);

  bob_ws->send_text(sync_request(a1));
  auto replayed_a2 = expect_next(*bob_ws, "incoming_message", a2);
  CHECK(string_member(replayed_a2, "content") == "a2");
  auto replayed_b1 = expect_next(*bob_ws, "outgoing_message", b1);
  CHECK(int_member(replayed_b1, "recipient_id") == users.alice.id);
  expect_next(*bob_ws, "incoming_message", a3);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == a3);

  auto a4 = send_and_ack(*alice_ws, users.bob.id, "a4");
  expect_next(*bob_ws, "incoming_message", a4);
  auto a5 = send_and_ack(*alice_ws, users.bob.id, "a5");
  expect_next(*bob_ws, "incoming_message", a5);
}

TEST_CASE("a user's own sent messages replay as outgoing_message") {
  two_users users;
  std::int64_t b1 = 0, b2 = 0;
  {
    auto bob_ws = connect_with_header(users.node, users.bob);
    b1 = send_and_ack(*bob_ws, users.alice.id, "first from bob");
    b2 = send_and_ack(*bob_ws, users.alice.id, "second from bob");
    bob_ws->close();
  }
  auto bob_ws = connect_with_query_token(users.node, users.bob, "since=0");
  auto first = expect_next(*bob_ws, "outgoing_message", b1);
  CHECK(member_names(first) == std::set<std::string>{"type", "id",
                                                     "recipient_id", "content",
                                                     "sent_at"});
  CHECK(int_member(first, "recipient_id") == users.alice.id);
  CHECK(string_member(first, "content") == "first from bob");
  CHECK(is_utc_millis_timestamp(string_member(first, "sent_at").value_or("")));
  auto second = expect_next(*bob_ws, "outgoing_message", b2);
  CHECK(string_member(second, "content") == "second from bob");
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == b2);
}

TEST_CASE("a replay holds nothing of other users' conversations") {
  two_users users;
  auto carol = register_and_login(users.node.port(), "carol", "password-c");
  auto alice_ws = connect_with_header(users.node, users.alice);
  send_and_ack(*alice_ws, carol.id, "for carol");
  auto to_bob = send_and_ack(*alice_ws, users.bob.id, "for bob");
  auto bob_ws = connect_with_header(users.node, users.bob, "since=0");
  expect_next(*bob_ws, "incoming_message", to_bob);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == to_bob);
}

TEST_CASE("a malformed sync frame gets invalid_after_id and the connection "
          "stays live") {
  two_users users;
  auto alice_ws = connect_with_header(users.node, users.alice);
  auto bob_ws = connect_with_header(users.node, users.bob);
  await_live(*bob_ws, 0);
  for (std::string bad :
       {R"({"type":"sync","after_id":-1})", R"({"type":"sync","after_id":"5"})",
        R"({"type":"sync","after_id":1.5})",
        R"({"type":"sync","after_id":null})", R"({"type":"sync"})"}) {
    INFO(bad);
    bob_ws->send_text(bad);
    auto error = expect_next(*bob_ws, "error");
    CHECK(string_member(error, "code") == "invalid_after_id");
  }
  auto marker = send_and_ack(*alice_ws, users.bob.id, "marker");
  expect_next(*bob_ws, "incoming_message", marker);
}
