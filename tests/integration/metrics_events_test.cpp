// GET /metrics after the events each instrument counts: live actors by
// kind.
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/chat_pair.hpp"
#include "tests/integration/metrics_scrape.hpp"

using namespace parley::testing;

namespace {

/// The labels of one actor kind.
std::string kind(const std::string& name) {
  return "{kind=\"" + name + "\"}";
}

} // namespace

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
