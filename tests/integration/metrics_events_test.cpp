// GET /metrics after the events each instrument counts: HTTP requests by
// route and status, live actors by kind, and the hashing queue that fills
// up and refuses logins with 503.
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
