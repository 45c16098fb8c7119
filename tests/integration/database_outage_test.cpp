// A node whose PostgreSQL connections are all dropped (as by a server
// restart) heals by itself: the first login and the first message after it
// succeed, the log says once that the database went and once that it came
// back, and GET /metrics counts the reconnect.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/metrics_scrape.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/count_text.hpp"

using namespace parley::testing;

namespace {

bool on_postgresql() {
  return test_backend() == "postgresql";
}

} // namespace

TEST_CASE("after PostgreSQL dropped every connection the first login and the "
          "first message succeed" *
          doctest::skip(!on_postgresql())) {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password-of-alice");
  auto bob = register_and_login(node.port(), "bob", "password-of-bob");
  auto alice_ws = connect_with_header(node, alice);
  auto bob_ws = connect_with_header(node, bob);
  await_live(*bob_ws, 0);
  node.database().drop_connections();
  auto again =
      node.post("/login", R"({"username":"bob","password":"password-of-bob"})");
  CHECK(again.status == 200);
  // The reader found its connection gone and made it again for the login.
  CHECK(metric(node, "parley_database_reconnects_total") >= 1);
  auto id = send_and_ack(*alice_ws, bob.id, "after the outage");
  expect_next(*bob_ws, "incoming_message", id);
  // The node logs through CAF's printer actor, which may trail the
  // delivery by a moment.
  if (node.process().stdout_text().find("the database is unavailable") !=
      std::string::npos)
    CHECK(node.process().wait_for_stdout("the database is back",
                                         std::chrono::seconds(10)));
  auto log = node.process().stdout_text() + node.process().stderr_text();
  INFO("node log: " << log);
  CHECK(count_of(log, "the database is unavailable") <= 1);
  CHECK(count_of(log, "the database is back") ==
        count_of(log, "the database is unavailable"));
}
