// Resume while messages keep arriving: a client that reconnects with
// ?since=, or sends sync frames, gets every message after its cursor once
// and in order, whatever is in flight at the moment it resumes.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/resume_log.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"

using namespace parley::testing;

namespace {

/// Messages Alice streams per test: enough for two dozen resumptions.
constexpr int stream_length = 400;

/// Alice and Bob on one node, Alice streaming to Bob on a thread of her
/// own (the test's thread is Bob's).
struct streaming_alice {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  int burst = 10;             ///< messages Alice sends before reading acks
  int length = stream_length; ///< messages Alice sends in all
  std::atomic<bool> done{false};
  std::vector<std::int64_t> acked;
  std::string failure;
  std::thread sender;

  explicit streaming_alice(std::vector<std::string> node_args = {})
      : node(std::move(node_args)) {}

  ~streaming_alice() {
    if (sender.joinable()) sender.join();
  }

  void start() {
    sender = std::thread([this] {
      try {
        acked = stream_messages(node, alice, bob.id, length, burst, done);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    });
  }

  /// Waits for the stream's end; the acknowledged ids, sorted, after
  /// checking that all were acknowledged.
  std::vector<std::int64_t> finish() {
    sender.join();
    REQUIRE_MESSAGE(failure.empty(), failure);
    REQUIRE(acked.size() == static_cast<std::size_t>(length));
    auto ids = acked;
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    return ids;
  }
};

/// How Bob's successive connections behave, in turn: stay a while, leave
/// early (often in the middle of the replay), or also send a sync frame for
/// messages already seen.
enum class bob_habit { stay, leave_early, resync };

/// Bob's connections one after another, each opened with since = the
/// last message the previous one saw.
struct reconnecting_bob {
  std::vector<connection_log> logs;
  std::set<std::int64_t> seen;

  void run(const running_node& node, const logged_in_user& bob) {
    constexpr int max_connections = 200;
    std::int64_t since = 0;
    for (int turn = 0; seen.size() < stream_length && turn < max_connections;
         ++turn) {
      auto query = "since=" + std::to_string(since);
      auto ws = turn % 2 == 0 ? connect_with_header(node, bob, query)
                              : connect_with_query_token(node, bob, query);
      logs.push_back({since, {}, {}});
      visit(*ws, logs.back(), static_cast<bob_habit>(turn % 3));
      auto ids = logs.back().message_ids();
      if (!ids.empty()) since = *std::max_element(ids.begin(), ids.end());
      ws->close();
    }
  }

  void visit(ws_client& ws, connection_log& log, bob_habit habit) {
    if (habit == bob_habit::leave_early) {
      for (int i = 0; i < 3; ++i) {
        auto frame = keep(next_frame(ws));
        log.frames.push_back(frame);
        if (frame.type != "sync_complete")
          seen.insert(frame.id);
        else if (seen.size() == stream_length)
          break;
      }
      return;
    }
    read_through(ws, log, 15, seen, stream_length);
    auto ids = log.message_ids();
    if (habit == bob_habit::resync && ids.size() > 5) {
      log.syncs.push_back({log.frames.size(), ids[ids.size() - 5]});
      ws.send_text(sync_request(log.syncs.back().after_id));
      read_through(ws, log, 10, seen, stream_length);
    }
  }
};

/// Alice streams while Bob keeps reconnecting with since; with
/// `phone_stays`, another connection of Bob's is open all along, so that
/// every replay runs while live traffic reaches his user actor.
void reconnect_during_stream(bool phone_stays) {
  streaming_alice stream;
  std::unique_ptr<ws_client> phone;
  if (phone_stays) {
    phone = connect_with_header(stream.node, stream.bob);
    await_live(*phone, 0);
  }
  stream.start();
  reconnecting_bob bob;
  std::string bob_failure;
  try {
    bob.run(stream.node, stream.bob);
  } catch (const std::exception& e) {
    bob_failure = e.what();
  }
  auto all_ids = stream.finish();
  CHECK_MESSAGE(bob_failure.empty(), bob_failure);
  int resumed_mid_stream = 0;
  for (std::size_t c = 0; c < bob.logs.size(); ++c) {
    INFO("connection " << c);
    check_connection(bob.logs[c], all_ids);
    const auto& frames = bob.logs[c].frames;
    if (!frames.empty() && frames.front().type != "sync_complete" &&
        frames.back().type != "sync_complete")
      ++resumed_mid_stream;
  }
  CHECK(bob.seen == std::set<std::int64_t>(all_ids.begin(), all_ids.end()));
  MESSAGE(bob.logs.size() << " connections, " << resumed_mid_stream
                          << " with a replay and live traffic after it");
  if (phone) {
    // The phone was live throughout: every message exactly once, in order.
    for (auto id : all_ids)
      expect_next(*phone, "incoming_message", id);
  }
}

/// One of Bob's devices asking again and again for the last few messages
/// it saw, while they keep coming: what it received, and why it stopped
/// early (empty when it did not).
struct syncing_device {
  connection_log log;
  std::set<std::int64_t> seen;
  std::string failure;

  void run(ws_client& ws, std::size_t total, int live) {
    try {
      while (seen.size() < total) {
        read_through(ws, log, live, seen, total);
        if (seen.size() == total) break;
        auto ids = log.message_ids();
        log.syncs.push_back({log.frames.size(), ids[ids.size() - live]});
        ws.send_text(sync_request(log.syncs.back().after_id));
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
};

} // namespace

TEST_CASE("a client that reconnects with since during continuous traffic "
          "gets every message once and in order") {
  reconnect_during_stream(false);
}

TEST_CASE("resuming during continuous traffic while another connection of "
          "the user stays open loses and repeats nothing") {
  reconnect_during_stream(true);
}

TEST_CASE("sync frames sent again and again during continuous traffic "
          "neither lose nor repeat a message") {
  // One scheduler thread: the registry, which routes each committed message
  // to the user actors, competes for it with every session, while replay
  // queries run on the reader's own thread; large bursts keep many routes
  // in flight. A route that the replay of its message overtakes must still
  // not reach the client twice. Several devices multiply the chances.
  constexpr int device_count = 4;
  constexpr int messages = 1000;
  constexpr int asked_again = 2; ///< messages each sync frame asks for again
  streaming_alice stream{{"--actor-threads", "1"}};
  stream.burst = 100;
  stream.length = messages;
  std::vector<std::unique_ptr<ws_client>> connections;
  for (int i = 0; i < device_count; ++i)
    connections.push_back(
        connect_with_header(stream.node, stream.bob, "since=0"));
  std::vector<syncing_device> devices(device_count);
  stream.start();
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < devices.size(); ++i)
    threads.emplace_back(
        [&, i] { devices[i].run(*connections[i], messages, asked_again); });
  for (auto& thread : threads)
    thread.join();
  auto all_ids = stream.finish();
  std::size_t syncs = 0;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    INFO("device " << i);
    const auto& device = devices[i];
    CHECK_MESSAGE(device.failure.empty(),
                  device.failure << ", " << device.log.describe());
    check_connection(device.log, all_ids);
    CHECK(device.seen ==
          std::set<std::int64_t>(all_ids.begin(), all_ids.end()));
    syncs += device.log.syncs.size();
  }
  MESSAGE(syncs << " sync frames");
}
