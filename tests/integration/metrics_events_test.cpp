// GET /metrics after the events each instrument counts: HTTP requests by
// route and status, live actors by kind, messages and receipts handed to
// connections, offline pushes and resume replays with their sizes, and the
// hashing queue that fills up and refuses logins with 503.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/chat_pair.hpp"
#include "tests/integration/metrics_scrape.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// The labels of one parley_http_requests_total sample.
std::string route_status(const std::string& route, int status) {
  return "{route=\"" + route + "\",status=\"" + std::to_string(status) + "\"}";
}

/// The labels of one actor kind.
std::string kind(const std::string& name) {
  return "{kind=\"" + name + "\"}";
}

} // namespace

TEST_CASE("HTTP requests are counted by route and status") {
  running_node node;
  // Which requests the start itself made (readiness polls, if any) does
  // not matter: every check is against the count before.
  auto page = scrape(node).body;
  auto before = [&](const std::string& route, int status) {
    return sample_value(page, "parley_http_requests_total",
                        route_status(route, status))
        .value_or(0);
  };
  auto now = [&](const std::string& route, int status) {
    return metric(node, "parley_http_requests_total",
                  route_status(route, status));
  };
  const std::string credentials =
      R"({"username":"alice","password":"password-of-alice"})";
  CHECK(node.post("/users", credentials).status == 201);
  CHECK(node.post("/users", credentials).status == 409);
  CHECK(node.post("/login", R"({"username":"alice","password":"wrong-one"})")
            .status == 401);
  auto login = node.post("/login", credentials);
  REQUIRE(login.status == 200);
  auto token = string_member(parse_json(login.body), "access_token");
  REQUIRE(token);
  CHECK(node.get("/users/alice", bearer(*token)).status == 200);
  CHECK(node.get("/messages?with=1", bearer(*token)).status == 200);
  CHECK(node.get("/messages?with=1").status == 401);
  CHECK(node.get("/conversations", bearer(*token)).status == 200);
  CHECK(node.get("/healthz").status == 200);
  CHECK(node.post("/healthz", "{}").status == 405);
  CHECK(node.get("/readyz").status == 200);
  CHECK(node.get("/no/such/route").status == 404);

  CHECK(now("/users", 201) == before("/users", 201) + 1);
  CHECK(now("/users", 409) == before("/users", 409) + 1);
  CHECK(now("/login", 401) == before("/login", 401) + 1);
  CHECK(now("/login", 200) == before("/login", 200) + 1);
  CHECK(now("/users/{username}", 200) == before("/users/{username}", 200) + 1);
  CHECK(now("/messages", 200) == before("/messages", 200) + 1);
  CHECK(now("/messages", 401) == before("/messages", 401) + 1);
  CHECK(now("/conversations", 200) == before("/conversations", 200) + 1);
  CHECK(now("/healthz", 200) == before("/healthz", 200) + 1);
  CHECK(now("/healthz", 405) == before("/healthz", 405) + 1);
  CHECK(now("/readyz", 200) == before("/readyz", 200) + 1);
  CHECK(now("other", 404) == before("other", 404) + 1);
}

TEST_CASE("live actors are counted by kind until they end") {
  chat_pair pair; // default --hash-workers 2: the pool and two workers
  CHECK(await_metric(pair.node, "parley_actors", kind("session"), 2) == 2);
  CHECK(metric(pair.node, "parley_actors", kind("user")) == 2);
  CHECK(metric(pair.node, "parley_actors", kind("registry")) == 1);
  CHECK(metric(pair.node, "parley_actors", kind("writer")) == 1);
  CHECK(metric(pair.node, "parley_actors", kind("reader")) == 1);
  CHECK(metric(pair.node, "parley_actors", kind("hashing")) == 3);
  CHECK(metric(pair.node, "parley_actors", kind("cluster")) == 0);
  pair.bob_ws.reset(); // bob's only connection: his session and user go
  CHECK(await_metric(pair.node, "parley_actors", kind("user"), 1) == 1);
  CHECK(await_metric(pair.node, "parley_actors", kind("session"), 1) == 1);
  CHECK(metric(pair.node, "parley_unexpected_messages_total",
               kind("registry")) == 0);
  CHECK(metric(pair.node, "parley_abnormal_exits_total", kind("user")) == 0);
}

TEST_CASE("chat messages handed to connections are counted as delivered, "
          "message_sent is not") {
  chat_pair pair;
  auto before = metric(pair.node, "parley_messages_delivered_total");
  auto first = send_and_ack(*pair.alice_ws, pair.bob.id, "one");
  auto second = send_and_ack(*pair.alice_ws, pair.bob.id, "two");
  expect_next(*pair.bob_ws, "incoming_message", first);
  expect_next(*pair.bob_ws, "incoming_message", second);
  // Counted as the user actor hands a frame on: it may trail the frame.
  CHECK(await_metric(pair.node, "parley_messages_delivered_total", {},
                     before + 2) == before + 2);
  // alice's second connection gets a copy of what she sends.
  auto copy = pair.connect(pair.alice);
  await_live(*copy, second);
  auto third = send_and_ack(*pair.alice_ws, pair.bob.id, "three");
  expect_next(*copy, "outgoing_message", third);
  expect_next(*pair.bob_ws, "incoming_message", third);
  CHECK(await_metric(pair.node, "parley_messages_delivered_total", {},
                     before + 4) == before + 4);
}

TEST_CASE("delivered and read receipts pushed to the sender are counted") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto alice_ws = connect_with_header(node, alice, "acks=1");
  auto bob_ws = connect_with_header(node, bob, "acks=1&device=phone");
  await_live(*alice_ws, 0);
  await_live(*bob_ws, 0);
  auto before = metric(node, "parley_receipts_sent_total");
  auto id = send_and_ack(*alice_ws, bob.id, "did you get this?");
  expect_next(*bob_ws, "incoming_message", id);
  bob_ws->send_text(R"({"type":"ack","up_to_id":)" + std::to_string(id) + "}");
  expect_next(*alice_ws, "delivered"); // with the writer's next marks
  CHECK(metric(node, "parley_receipts_sent_total") == before + 1);
  bob_ws->send_text(R"({"type":"read","peer_id":)" + std::to_string(alice.id) +
                    R"(,"up_to_id":)" + std::to_string(id) + "}");
  expect_next(*alice_ws, "read");
  CHECK(metric(node, "parley_receipts_sent_total") == before + 2);
}

TEST_CASE("an offline push and a resume replay are counted with the "
          "messages they carried") {
  chat_pair pair;
  pair.bob_ws.reset();
  // Bob is gone once his user actor is: what alice sends now waits.
  REQUIRE(await_metric(pair.node, "parley_users_online", {}, 1) == 1);
  std::vector<std::int64_t> ids;
  for (auto text : {"while", "you", "were away"})
    ids.push_back(send_and_ack(*pair.alice_ws, pair.bob.id, text));
  auto page = scrape(pair.node).body;
  auto before = [&](const std::string& name, const std::string& labels) {
    return sample_value(page, name, labels).value_or(0);
  };
  const auto push = kind("push");
  const auto resume = kind("resume");

  auto pushed = pair.connect(pair.bob);
  for (auto id : ids)
    expect_next(*pushed, "incoming_message", id);
  // Observed when the push ends, just after its last frame is handed on.
  CHECK(await_metric(pair.node, "parley_replay_messages_count", push,
                     before("parley_replay_messages_count", push) + 1) ==
        before("parley_replay_messages_count", push) + 1);
  CHECK(metric(pair.node, "parley_replay_messages_sum", push) ==
        before("parley_replay_messages_sum", push) + 3);
  CHECK(metric(pair.node, "parley_replays_total", push) ==
        before("parley_replays_total", push) + 1);

  auto resumed = pair.connect(pair.bob, "?since=0");
  CHECK(read_replay(*resumed).size() == 3);
  // sync_complete follows the observation, so no waiting here.
  auto after = scrape(pair.node).body;
  CHECK(sample_value(after, "parley_replays_total", resume) ==
        before("parley_replays_total", resume) + 1);
  CHECK(sample_value(after, "parley_replay_messages_count", resume) ==
        before("parley_replay_messages_count", resume) + 1);
  CHECK(sample_value(after, "parley_replay_messages_sum", resume) ==
        before("parley_replay_messages_sum", resume) + 3);
  auto le_1 = "{kind=\"resume\",le=\"1\"}";
  auto le_5 = "{kind=\"resume\",le=\"5\"}";
  CHECK(sample_value(after, "parley_replay_messages_bucket", le_1) ==
        before("parley_replay_messages_bucket", le_1));
  CHECK(sample_value(after, "parley_replay_messages_bucket", le_5) ==
        before("parley_replay_messages_bucket", le_5) + 1);
}

TEST_CASE("logins beyond the hashing queue are refused with 503, counted, "
          "and the queue gauge shows the ones waiting") {
  // One worker and a queue of 64: of 80 logins at once, at least 15 find
  // no room (more if none has finished by the time they arrive).
  running_node node{{"--hash-workers", "1"}};
  constexpr int logins = 80;
  auto rejected_before = metric(node, "parley_hashing_rejected_total");
  std::atomic<int> overloaded{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < logins; ++i)
    clients.emplace_back([&node, &overloaded, i] {
      try {
        // An unknown user costs a full hash too (timing equalizer).
        auto answer =
            node.post("/login", R"({"username":"nobody)" + std::to_string(i) +
                                    R"(","password":"whatever1"})");
        if (answer.status == 503 &&
            answer.body.find("\"overloaded\"") != std::string::npos)
          ++overloaded;
      } catch (const std::exception&) {
        // Waited out http_timeout behind the queue: not what is counted.
      }
    });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (overloaded == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(overloaded > 0);
  // The queue was full a moment ago and one worker drains it slowly.
  CHECK(metric(node, "parley_hashing_queue_jobs") > 0);
  for (auto& client : clients)
    client.join();
  CHECK(metric(node, "parley_hashing_rejected_total") ==
        rejected_before + overloaded);
  CHECK(metric(node, "parley_http_requests_total",
               route_status("/login", 503)) >= overloaded);
  // Once every waiting login has had its hash, nothing is queued.
  auto drained = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto queued = metric(node, "parley_hashing_queue_jobs");
  while (queued > 0 && std::chrono::steady_clock::now() < drained) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    queued = metric(node, "parley_hashing_queue_jobs");
  }
  CHECK(queued == 0);
}
