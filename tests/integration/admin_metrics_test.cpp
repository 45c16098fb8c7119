// The admin listener (--admin-listen): GET /metrics in the Prometheus text
// format on its own port, checked by promtool and read back after traffic;
// the bearer token it may require; and its start-up rules.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/chat_pair.hpp"
#include "tests/support/admin_client.hpp"
#include "tests/integration/metrics_scrape.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// What `promtool check metrics` says of `page`: its exit status and output.
std::pair<int, std::string> promtool_check(const std::string& page) {
  temp_dir dir;
  auto input = dir.path() + "/metrics.txt";
  auto output = dir.path() + "/promtool.out";
  std::ofstream{input} << page;
  auto command =
      "promtool check metrics < '" + input + "' > '" + output + "' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in{output};
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

} // namespace

TEST_CASE("GET /metrics on the admin port passes promtool, and its counters "
          "move when messages flow") {
  chat_pair pair;
  auto before = scrape(pair.node);
  REQUIRE(before.status == 200);
  CHECK(before.headers["content-type"] ==
        "text/plain; version=0.0.4; charset=utf-8");
  auto [status, said] = promtool_check(before.body);
  CHECK_MESSAGE(status == 0, said);
  CHECK(sample_value(before.body, "parley_open_connections") == 2);
  CHECK(sample_value(before.body, "parley_ws_upgrades_total",
                     "{result=\"accepted\"}") == 2);
  auto stored_before =
      sample_value(before.body, "parley_messages_stored_total").value_or(-1);

  send_and_ack(*pair.alice_ws, pair.bob.id, "counted once");
  send_and_ack(*pair.alice_ws, pair.bob.id, "counted twice");
  // A frame counts as written when its write completes, which may trail
  // the client's read of it by a moment.
  expect_next(*pair.bob_ws, "incoming_message");
  expect_next(*pair.bob_ws, "incoming_message");
  await_metric(
      pair.node, "parley_ws_frames_written_total", {},
      sample_value(before.body, "parley_ws_frames_written_total").value() + 4);
  auto after = scrape(pair.node);
  REQUIRE(after.status == 200);
  CHECK(sample_value(after.body, "parley_messages_stored_total") ==
        stored_before + 2);
  CHECK(sample_value(after.body, "parley_write_batch_messages_sum") >=
        sample_value(before.body, "parley_write_batch_messages_sum").value() +
            2);
  CHECK(sample_value(after.body, "parley_commit_duration_seconds_count") >
        sample_value(before.body, "parley_commit_duration_seconds_count"));
  CHECK(sample_value(after.body, "parley_messages_received_total") ==
        sample_value(before.body, "parley_messages_received_total").value() +
            2);
  CHECK(sample_value(after.body, "parley_users_online") == 2);
  CHECK(sample_value(after.body, "parley_ws_frames_written_total") >=
        sample_value(before.body, "parley_ws_frames_written_total").value() +
            4); // two message_sent, two deliveries
  CHECK(
      sample_value(after.body, "parley_message_sent_duration_seconds_count") ==
      sample_value(before.body, "parley_message_sent_duration_seconds_count")
              .value() +
          2);
  CHECK(
      sample_value(after.body, "parley_store_duration_seconds_count") ==
      sample_value(before.body, "parley_store_duration_seconds_count").value() +
          2);
  pair.alice_ws->send_text("not json");
  auto error = pair.alice_ws->read_json(expected_frame_timeout);
  REQUIRE(error);
  CHECK(sample_value(scrape(pair.node).body, "parley_error_frames_total",
                     "{code=\"invalid_json\"}") == 1);
  CHECK(sample_value(after.body, "process_resident_memory_bytes") > 0);
  CHECK(sample_value(after.body, "process_open_fds") > 0);
}

TEST_CASE("a refused upgrade is counted by its result") {
  chat_pair pair;
  auto refused =
      http_request("127.0.0.1", pair.node.port(), "GET", "/ws", {},
                   {{"Connection", "Upgrade"},
                    {"Upgrade", "websocket"},
                    {"Sec-WebSocket-Version", "13"},
                    {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  CHECK(refused.status == 401);
  CHECK(sample_value(scrape(pair.node).body, "parley_ws_upgrades_total",
                     "{result=\"unauthorized\"}") == 1);
}

TEST_CASE("the public port does not serve /metrics, the admin port serves "
          "nothing else") {
  running_node node;
  CHECK(node.get("/metrics").status == 404);
  auto port = node.process().admin_port();
  REQUIRE(port.has_value());
  CHECK(http_request("127.0.0.1", *port, "GET", "/healthz").status == 404);
  CHECK(http_request("127.0.0.1", *port, "POST", "/metrics", "{}").status ==
        405);
}

TEST_CASE("with --admin-token-file the admin endpoints need that bearer "
          "token") {
  temp_dir dir;
  auto path = dir.path() + "/admin-token";
  const std::string token = "an-admin-token-of-some-length";
  std::ofstream{path} << token << "\n";
  running_node node{{"--admin-token-file", path}};
  CHECK(scrape(node).status == 401);
  CHECK(scrape(node, bearer("wrong-token-of-the-same-size!")).status == 401);
  auto allowed = scrape(node, bearer(token));
  CHECK(allowed.status == 200);
  CHECK(allowed.body.find(token) == std::string::npos);
  CHECK(node.process().stderr_text().find(token) == std::string::npos);
}

TEST_CASE("an admin address off loopback needs a token file, and an admin "
          "address given that cannot be bound stops the start") {
  auto off_loopback = run_to_exit({"--admin-listen", "0.0.0.0:0"}, 60s);
  CHECK(off_loopback.exit_code != 0);
  CHECK(off_loopback.stderr_text.find("--admin-token-file") !=
        std::string::npos);
  running_node first;
  auto taken = std::to_string(*first.process().admin_port());
  test_database database;
  auto second = run_to_exit(
      {"--db", database.url(), "--admin-listen", "127.0.0.1:" + taken}, 60s);
  INFO("stderr: " << second.stderr_text);
  CHECK(second.exit_code != 0);
  CHECK(second.stderr_text.find("cannot listen on admin address") !=
        std::string::npos);
}

TEST_CASE("--admin-listen off runs the node without an admin listener") {
  running_node node{{"--admin-listen", "off"}};
  CHECK_FALSE(node.process().admin_port().has_value());
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("when the default admin address is taken, the node warns and runs "
          "without the admin listener") {
  // Hold 127.0.0.1:9090 (if another process holds it already, it is taken
  // all the same).
  int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(holder >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(9090);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto bound = ::bind(holder, reinterpret_cast<sockaddr*>(&address),
                      sizeof address) == 0 &&
               ::listen(holder, 1) == 0;
  INFO("errno " << errno);
  CHECK((bound || errno == EADDRINUSE));
  test_database database;
  node_process node{{"--db", database.url()},
                    node_start_timeout,
                    admin_address::node_default};
  ::close(holder);
  CHECK_FALSE(node.admin_port().has_value());
  CHECK(node.wait_for_stderr("the default admin address 127.0.0.1:9090 is "
                             "taken",
                             node_start_timeout));
  CHECK(http_request("127.0.0.1", node.port(), "GET", "/healthz").status ==
        200);
}
