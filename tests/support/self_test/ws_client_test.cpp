// Tests of ws_client against the loopback server.
#include <stdexcept>

#include <doctest/doctest.h>

#include "tests/support/self_test/loopback_server.hpp"
#include "tests/support/ws_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

const header_list good_token = {{"Authorization", "Bearer good"}};

std::unique_ptr<ws_client> open_echo(const loopback_server& server) {
  return ws_client::open("127.0.0.1", server.port(), "/ws", good_token);
}

} // namespace

TEST_CASE("an accepted upgrade gives a client that sends and reads text") {
  loopback_server server;
  auto result =
      ws_client::connect("127.0.0.1", server.port(), "/ws", good_token);
  REQUIRE(result.client);
  result.client->send_text("hello");
  CHECK(result.client->read_text(5s) == "hello");
}

TEST_CASE("binary messages travel too") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_binary(std::string("\0\1\2", 3));
  CHECK(client->read_text(5s) == std::string("\0\1\2", 3));
}

TEST_CASE("a refused upgrade returns the status, body and headers") {
  loopback_server server;
  auto result = ws_client::connect("127.0.0.1", server.port(), "/ws",
                                   {{"Authorization", "Bearer bad"}});
  CHECK_FALSE(result.client);
  CHECK(result.refusal.status == 401);
  CHECK(result.refusal.body ==
        R"({"error":{"code":"unauthorized","message":"bad token"}})");
  CHECK(result.refusal.headers["content-type"] == "application/json");
}

TEST_CASE("open throws with the status when the upgrade is refused") {
  loopback_server server;
  CHECK_THROWS_WITH_AS(ws_client::open("127.0.0.1", server.port(), "/ws"),
                       doctest::Contains("401"), std::runtime_error);
}

TEST_CASE("connecting where nobody listens throws") {
  unsigned short port = 0;
  {
    loopback_server gone;
    port = gone.port();
  }
  CHECK_THROWS_AS(ws_client::connect("127.0.0.1", port, "/ws", good_token),
                  std::runtime_error);
}

TEST_CASE("a read that times out leaves the connection usable") {
  loopback_server server;
  auto client = open_echo(server);
  CHECK_FALSE(client->read_text(50ms).has_value());
  CHECK_FALSE(client->read_text(0ms).has_value());
  client->send_text("still there");
  CHECK(client->read_text(5s) == "still there");
}

TEST_CASE("messages arriving after a timed-out read are kept in order") {
  loopback_server server;
  auto client = open_echo(server);
  CHECK_FALSE(client->read_text(20ms).has_value());
  client->send_text("twice:again");
  CHECK(client->read_text(5s) == "again");
  CHECK(client->read_text(5s) == "again");
  CHECK_FALSE(client->read_text(50ms).has_value());
}

TEST_CASE("read_until drops messages that do not match") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_text(R"({"type":"noise"})");
  client->send_text(R"({"type":"wanted","n":1})");
  auto found = client->read_until(json_type_is("wanted"), 5s);
  CHECK(found == R"({"type":"wanted","n":1})");
  CHECK_FALSE(client->read_until(json_type_is("wanted"), 50ms).has_value());
}

TEST_CASE("read_json parses JSON and rejects anything else") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_text(R"({"type":"x","id":7})");
  auto document = client->read_json(5s);
  REQUIRE(document);
  CHECK((*document)["id"].GetInt() == 7);
  client->send_text("not json");
  CHECK_THROWS_AS(client->read_json(5s), std::runtime_error);
  CHECK_FALSE(client->read_json(20ms).has_value());
}

TEST_CASE("expect_close returns the code of the server's close frame") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_text("before");
  client->send_text("close:4001");
  CHECK(client->expect_close(5s) == 4001);
  CHECK(client->close_reason() == "asked to");
}

TEST_CASE("expect_close reports 1006 when the TCP connection just ends") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_text("drop");
  CHECK(client->expect_close(5s) == 1006);
}

TEST_CASE("expect_close times out while the server keeps the connection") {
  loopback_server server;
  auto client = open_echo(server);
  CHECK_FALSE(client->expect_close(50ms).has_value());
  client->send_text("alive");
  CHECK(client->read_text(5s) == "alive");
}

TEST_CASE("reading or sending after the server closed throws") {
  loopback_server server;
  auto client = open_echo(server);
  client->send_text("close:1000");
  CHECK_THROWS_WITH_AS(client->read_text(5s), doctest::Contains("1000"),
                       std::runtime_error);
  CHECK_THROWS_AS(client->read_text(5s), std::runtime_error);
  CHECK_THROWS_AS(client->send_text("late"), std::runtime_error);
}

TEST_CASE("close completes the closing handshake with and without a read") {
  loopback_server server;
  auto idle = open_echo(server);
  idle->close();
  auto reading = open_echo(server);
  CHECK_FALSE(reading->read_text(10ms).has_value());
  reading->close(4000);
  CHECK_THROWS_AS(reading->send_text("late"), std::runtime_error);
}
