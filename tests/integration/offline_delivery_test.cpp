// Offline delivery: messages to a user without connections are pushed, in
// order, when the next plain connection opens, and only once; a connection
// opened with ?since= gets the replay instead.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/integration/resume_log.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// Alice connected, Bob registered but away.
struct bob_away {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  std::unique_ptr<ws_client> alice_ws = connect_with_header(node, alice);

  /// Sends `count` messages to Bob ("offline 1", ...), each acknowledged;
  /// their ids in sending order.
  std::vector<std::int64_t> send_to_bob(int count) {
    std::vector<std::int64_t> ids;
    for (int i = 1; i <= count; ++i)
      ids.push_back(send_and_ack(*alice_ws, bob.id,
                                 "offline " + std::to_string(i),
                                 "offline-" + std::to_string(i)));
    return ids;
  }

  /// Sends a marker to Bob and expects it as the next frame on `bob_ws`.
  void expect_marker_next(ws_client& bob_ws, const std::string& text) {
    auto id = send_and_ack(*alice_ws, bob.id, text);
    auto frame = expect_next(bob_ws, "incoming_message", id);
    CHECK(string_member(frame, "content") == text);
  }
};

} // namespace

TEST_CASE("messages sent while the recipient is away are pushed in order "
          "when he connects") {
  bob_away s;
  auto ids = s.send_to_bob(5);
  for (std::size_t i = 1; i < ids.size(); ++i)
    CHECK(ids[i - 1] < ids[i]);

  auto bob_ws = connect_with_query_token(s.node, s.bob);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto frame = expect_next(*bob_ws, "incoming_message", ids[i]);
    CHECK(string_member(frame, "content") ==
          "offline " + std::to_string(i + 1));
    CHECK(int_member(frame, "sender_id") == s.alice.id);
    CHECK(string_member(frame, "sender_username") == "alice");
  }
  s.expect_marker_next(*bob_ws, "live after the push");
}

TEST_CASE("a message sent without client_msg_id is pushed and replayed "
          "without one") {
  bob_away s;
  auto id = send_and_ack(*s.alice_ws, s.bob.id, "no key");
  for (const char* query : {"", "since=0"}) {
    CAPTURE(query);
    auto bob_ws = connect_with_header(s.node, s.bob, query);
    auto frame = expect_next(*bob_ws, "incoming_message", id);
    CHECK_FALSE(string_member(frame, "client_msg_id").has_value());
  }
}

/// Waits until the node has recorded Bob's default device as having every
/// message up to `id` (written to his socket, confirmed, committed).
void await_bob_delivered(bob_away& s, std::int64_t id) {
  db_rows rows{s.node.db_url()};
  REQUIRE(rows.await_delivered_through(s.bob.id, id, frame_timeout));
}

TEST_CASE("pushed messages are not pushed again on the next connection") {
  bob_away s;
  auto ids = s.send_to_bob(5);
  {
    auto bob_ws = connect_with_header(s.node, s.bob);
    for (auto id : ids)
      expect_next(*bob_ws, "incoming_message", id);
    bob_ws->close();
  }
  await_bob_delivered(s, ids.back());
  auto again = connect_with_header(s.node, s.bob);
  s.expect_marker_next(*again, "only this");
}

TEST_CASE("a message received live is not pushed again on the next "
          "connection") {
  bob_away s;
  auto first = connect_with_header(s.node, s.bob);
  await_live(*first, 0);
  auto live = send_and_ack(*s.alice_ws, s.bob.id, "received live");
  expect_next(*first, "incoming_message", live);
  first->close();
  await_bob_delivered(s, live);
  auto second = connect_with_header(s.node, s.bob);
  s.expect_marker_next(*second, "only this");
}

TEST_CASE("a since connection gets the replay and sync_complete instead of "
          "the offline push") {
  bob_away s;
  auto ids = s.send_to_bob(3);
  auto bob_ws = connect_with_header(s.node, s.bob, "since=0");
  for (auto id : ids)
    expect_next(*bob_ws, "incoming_message", id);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == ids.back());
  CHECK(member_names(done) == std::set<std::string>{"type", "last_id"});
  // No push follows the replay: the marker is next.
  s.expect_marker_next(*bob_ws, "after the replay");
  bob_ws->close();

  // The replay counted as delivery once written (its stream began at the
  // device's cursor): a plain connection gets no push.
  await_bob_delivered(s, ids.back());
  auto plain = connect_with_header(s.node, s.bob);
  s.expect_marker_next(*plain, "nothing pushed");
}

TEST_CASE("a since connection replays only what is newer than since") {
  bob_away s;
  auto ids = s.send_to_bob(4);
  auto bob_ws = connect_with_query_token(s.node, s.bob,
                                         "since=" + std::to_string(ids[1]));
  expect_next(*bob_ws, "incoming_message", ids[2]);
  expect_next(*bob_ws, "incoming_message", ids[3]);
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == ids[3]);
  s.expect_marker_next(*bob_ws, "live after the replay");
}

TEST_CASE("a since beyond the last message replays nothing and "
          "sync_complete repeats since") {
  bob_away s;
  auto ids = s.send_to_bob(2);
  auto since = ids.back() + 1000;
  auto bob_ws =
      connect_with_header(s.node, s.bob, "since=" + std::to_string(since));
  auto done = expect_next(*bob_ws, "sync_complete");
  CHECK(int_member(done, "last_id") == since);
}

TEST_CASE("a malformed since is refused with 400 before the upgrade") {
  bob_away s;
  for (std::string since : {"-1", "abc", "1x", "", "99999999999999999999"}) {
    INFO("since=" << since);
    auto refused = ws_client::connect(
        "127.0.0.1", s.node.port(), "/ws?since=" + since, bearer(s.bob.token));
    CHECK_FALSE(refused.client);
    CHECK(refused.refusal.status == 400);
    CHECK(error_code_of(refused.refusal.body) == "invalid_request");
  }
}

namespace {

/// Alice streams while Bob keeps opening plain connections that read a few
/// frames and go; with `phone_stays`, another connection of Bob's is open
/// all along, so that every offline push runs while live traffic reaches
/// his user actor.
void plain_connections_during_traffic(bool phone_stays) {
  constexpr int message_count = 200;
  constexpr int burst = 10;
  constexpr int frames_per_connection = 5;
  bob_away s;
  std::unique_ptr<ws_client> phone;
  if (phone_stays) {
    phone = connect_with_header(s.node, s.bob);
    await_live(*phone, 0);
  }
  std::atomic<bool> sender_done{false};
  std::vector<std::int64_t> acked;
  std::string sender_failure;
  std::thread sender([&] {
    try {
      for (int sent = 0; sent < message_count; sent += burst) {
        for (int i = 0; i < burst; ++i)
          s.alice_ws->send_text(
              private_message(s.bob.id, "stream " + std::to_string(sent + i)));
        for (int i = 0; i < burst; ++i)
          acked.push_back(id_of(expect_next(*s.alice_ws, "message_sent")));
      }
    } catch (const std::exception& e) {
      sender_failure = e.what();
    }
    sender_done = true;
  });
  // A message written to a connection that closed before the client read
  // it counts as delivered (?since= is for that), so not every message need
  // be seen; and one whose write was not yet confirmed when the next
  // connection opened comes again there. But no connection may see one
  // twice or out of order.
  int connections = 0;
  std::set<std::int64_t> seen;
  while (!sender_done) {
    ++connections;
    auto bob_ws = connect_with_header(s.node, s.bob);
    std::int64_t previous = 0;
    for (int i = 0; i < frames_per_connection; ++i) {
      // The timeout only ends the last connections, once traffic stopped.
      auto text = bob_ws->read_text(std::chrono::seconds{1});
      if (!text) break;
      auto frame = parse_json(*text);
      INFO("connection " << connections << ": " << *text);
      CHECK(type_of(frame) == "incoming_message");
      CHECK(id_of(frame) > previous);
      previous = id_of(frame);
      seen.insert(id_of(frame));
    }
    bob_ws->close();
  }
  sender.join();
  REQUIRE_MESSAGE(sender_failure.empty(), sender_failure);
  CHECK(connections > 1);
  MESSAGE(connections << " connections saw " << seen.size() << " of "
                      << message_count << " messages");
  if (phone) {
    // The phone was live throughout: every message exactly once, in order.
    std::sort(acked.begin(), acked.end());
    for (auto id : acked)
      expect_next(*phone, "incoming_message", id);
  }
}

} // namespace

TEST_CASE("plain connections opened during traffic get no message twice on "
          "one connection, and in order") {
  plain_connections_during_traffic(false);
}

TEST_CASE("plain connections opened during traffic while another connection "
          "stays open get no message twice") {
  plain_connections_during_traffic(true);
}

namespace {

/// One of Bob's devices that keeps opening plain connections, reading a
/// few frames on each and going: the message ids each connection got.
struct reconnecting_device {
  std::vector<std::vector<std::int64_t>> connections;
  std::string failure;

  void run(const running_node& node, const logged_in_user& bob,
           const std::atomic<bool>& stream_done) {
    constexpr int frames_per_connection = 10;
    try {
      while (!stream_done) {
        auto ws = connect_with_header(node, bob);
        connections.emplace_back();
        for (int i = 0; i < frames_per_connection; ++i) {
          // The timeout only ends the last connections, once traffic ends.
          auto text = ws->read_text(std::chrono::seconds{1});
          if (!text) break;
          connections.back().push_back(id_of(parse_json(*text)));
        }
        ws->close();
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
};

} // namespace

TEST_CASE("offline pushes racing live traffic never hand a connection the "
          "same message twice") {
  // As in the sync storm (resume_under_traffic_test.cpp): one scheduler
  // thread and large bursts keep routes in flight while each new plain
  // connection claims what is undelivered; the phone keeps the user actor
  // alive, so those routes do reach it, possibly after the claim.
  constexpr int device_count = 4;
  constexpr int messages = 1000;
  constexpr int burst = 100;
  running_node node{{"--actor-threads", "1"}};
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto phone = connect_with_header(node, bob);
  await_live(*phone, 0);
  std::atomic<bool> stream_done{false};
  std::vector<std::int64_t> acked;
  std::string sender_failure;
  std::thread sender([&] {
    try {
      acked =
          stream_messages(node, alice, bob.id, messages, burst, stream_done);
    } catch (const std::exception& e) {
      sender_failure = e.what();
    }
  });
  std::vector<reconnecting_device> devices(device_count);
  std::vector<std::thread> threads;
  for (auto& device : devices)
    threads.emplace_back([&] { device.run(node, bob, stream_done); });
  for (auto& thread : threads)
    thread.join();
  sender.join();
  REQUIRE_MESSAGE(sender_failure.empty(), sender_failure);
  std::size_t connections = 0;
  for (const auto& device : devices) {
    CHECK_MESSAGE(device.failure.empty(), device.failure);
    for (const auto& ids : device.connections) {
      ++connections;
      std::ostringstream got;
      for (auto id : ids)
        got << id << ' ';
      INFO("a connection got " << got.str());
      CHECK(std::adjacent_find(ids.begin(), ids.end(),
                               std::greater_equal<>{}) == ids.end());
    }
  }
  MESSAGE(connections << " plain connections");
  std::sort(acked.begin(), acked.end());
  for (auto id : acked)
    expect_next(*phone, "incoming_message", id);
}
