// The shared database away for a few seconds under traffic: the nodes stay
// up, refuse stores with a clear error and /readyz with 503, and come back
// by themselves; a client that resends what was refused, by key, finds
// every message stored once and delivered once to every connection.
#include <map>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "tests/cluster/test_cluster.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/support/count_text.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// How long the database stays away at least: long enough for every node
/// to notice (heartbeats every second), short of the 10 s after which the
/// members would count each other as gone.
constexpr auto outage_length = 4s;

/// What the sending client heard about each key: "sent" or an error code.
using outcomes = std::map<std::string, std::string>;

/// Reads replies (of any key) until every key in `keys` has one.
void await_replies(test_cluster& cluster, ws_client& client,
                   const std::vector<std::string>& keys, outcomes& heard) {
  std::set<std::string> waiting;
  for (const auto& key : keys)
    if (heard.count(key) == 0) waiting.insert(key); // not read before
  while (!waiting.empty()) {
    auto doc = client.read_json(cluster_frame_timeout);
    REQUIRE_MESSAGE(doc, "no reply for " << waiting.size() << " sends; "
                                         << cluster.logs());
    auto type = string_member(*doc, "type").value_or("");
    auto key = string_member(*doc, "client_msg_id").value_or("");
    if (type == "message_sent")
      heard[key] = "sent";
    else if (type == "error")
      heard[key] = string_member(*doc, "code").value_or("?");
    else
      continue;
    waiting.erase(key);
  }
}

/// Whether node i answers /readyz with `status`, polling for a while.
bool readyz_turns(test_cluster& cluster, std::size_t i, int status) {
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_request("127.0.0.1", cluster.port(i), "GET", "/readyz").status ==
        status)
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

} // namespace

TEST_CASE("the database away for a few seconds: nodes stay up, refuse "
          "clearly, recover by themselves, and lose or repeat nothing") {
  test_cluster cluster{3};
  auto alice = cluster.make_user(0, "alice");
  auto bob = cluster.make_user(1, "bob");
  auto alice_ws = cluster.connect(0, alice);
  std::vector<std::unique_ptr<ws_client>> bob_ws;
  bob_ws.push_back(cluster.connect(1, bob, "?since=0"));
  bob_ws.push_back(cluster.connect(2, bob, "?since=0"));

  constexpr int per_phase = 30;
  std::vector<std::string> contents;
  auto send_phase = [&](int phase) {
    std::vector<std::string> keys;
    for (int i = 0; i < per_phase; ++i) {
      auto n = phase * per_phase + i;
      contents.push_back("m" + std::to_string(n));
      keys.push_back("k" + std::to_string(n));
      alice_ws->send_text(send_frame(bob.id, contents.back(), keys.back()));
    }
    return keys;
  };
  outcomes heard;
  await_replies(cluster, *alice_ws, send_phase(0), heard);

  // Away: every connection cut, no new one let in. What alice sends right
  // then may be in a batch whose commit was cut off: its outcome is
  // unknown until the database is back, and so is its reply.
  auto away_since = std::chrono::steady_clock::now();
  cluster.database().refuse_connections();
  cluster.database().drop_connections();
  auto in_doubt = send_phase(1);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK_MESSAGE(readyz_turns(cluster, i, 503), cluster.logs());
  // Once the nodes know, a store is refused at once.
  auto refused_at_once = send_phase(2);
  await_replies(cluster, *alice_ws, refused_at_once, heard);
  for (const auto& key : refused_at_once)
    CHECK_MESSAGE(heard[key] == "unavailable", key << ": " << heard[key]);
  std::this_thread::sleep_until(away_since + outage_length);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK_MESSAGE(!cluster.node(i).wait_exit(0ms), "node" << i << " exited");
  cluster.database().accept_connections();

  // Every reply was a store or a clear refusal.
  await_replies(cluster, *alice_ws, in_doubt, heard);
  std::vector<std::string> refused;
  for (const auto& entry : heard) {
    CHECK_MESSAGE((entry.second == "sent" || entry.second == "unavailable"),
                  entry.first << ": " << entry.second);
    if (entry.second != "sent") refused.push_back(entry.first);
  }
  CHECK(!refused.empty()); // the outage was seen
  for (std::size_t i = 0; i < 3; ++i)
    CHECK_MESSAGE(cluster.wait_for_members(i, {"node0", "node1", "node2"}),
                  cluster.logs());

  // The client resends what was refused, by key, until it is stored.
  auto resend_deadline = std::chrono::steady_clock::now() + membership_timeout;
  while (!refused.empty() &&
         std::chrono::steady_clock::now() < resend_deadline) {
    for (const auto& key : refused) {
      heard.erase(key);
      alice_ws->send_text(send_frame(bob.id, "m" + key.substr(1), key));
    }
    await_replies(cluster, *alice_ws, refused, heard);
    std::vector<std::string> still;
    for (const auto& key : refused)
      if (heard[key] != "sent") still.push_back(key);
    refused = std::move(still);
    if (!refused.empty()) std::this_thread::sleep_for(200ms);
  }
  REQUIRE_MESSAGE(refused.empty(), cluster.logs());
  await_replies(cluster, *alice_ws, send_phase(3), heard);
  for (const auto& entry : heard)
    CHECK_MESSAGE(entry.second == "sent", entry.first);

  // Each of bob's connections, on two other nodes, has every message once,
  // in ascending ids.
  for (auto& ws : bob_ws) {
    std::set<std::string> received;
    std::int64_t cursor = 0;
    while (received.size() < contents.size()) {
      auto frame = next_message_frame(*ws);
      REQUIRE(frame.type == "incoming_message");
      CHECK(frame.id > cursor);
      cursor = frame.id;
      CHECK_MESSAGE(received.insert(frame.content).second, frame.content);
    }
  }
  db_rows db{cluster.db_url()};
  std::set<std::string> stored;
  for (const auto& row : db.messages())
    CHECK(stored.insert(row.client_msg_id.value_or("")).second);
  CHECK(stored.size() == contents.size());
  // The log says when the database went and came back, not per store.
  for (std::size_t i = 0; i < 3; ++i) {
    auto log = cluster.node(i).stdout_text() + cluster.node(i).stderr_text();
    INFO("node" << i << " log: " << log);
    auto went = count_of(log, "the database is unavailable");
    if (i == 0) CHECK(went == 1); // node0 refused alice's stores
    CHECK(went <= 1);
    CHECK(count_of(log, "the database is back") == went);
  }
}
