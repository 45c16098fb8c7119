// A first look at messaging over real WebSocket connections: delivery,
// acknowledgement, error frames and the frame size limit.
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/ws_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Generous: a loaded CI machine runs two suites and a database at once.
constexpr auto frame_timeout = 10s;

/// The frame limit the node under test is started with.
constexpr std::size_t max_frame_bytes = 1024;

/// Two users on one node, each with an open connection.
struct two_users {
  running_node node{{"--max-frame-bytes", std::to_string(max_frame_bytes)}};
  logged_in_user alice = register_and_login(node.port(), "alice", "password1");
  logged_in_user bob = register_and_login(node.port(), "bob", "password2");
  std::unique_ptr<ws_client> alice_ws = connect(alice);
  std::unique_ptr<ws_client> bob_ws = connect(bob);

  std::unique_ptr<ws_client> connect(const logged_in_user& user) const {
    return ws_client::open("127.0.0.1", node.port(), "/ws", bearer(user.token));
  }
};

std::string private_message(std::int64_t recipient, const std::string& text,
                            const std::string& client_msg_id) {
  return R"({"type":"private_message","recipient_id":)" +
         std::to_string(recipient) + R"(,"content":")" + text +
         R"(","client_msg_id":")" + client_msg_id + R"("})";
}

} // namespace

TEST_CASE("a private message reaches the recipient and is acknowledged") {
  two_users users;
  users.alice_ws->send_text(private_message(users.bob.id, "hi bob", "m1"));
  auto ack =
      users.alice_ws->read_until(json_type_is("message_sent"), frame_timeout);
  REQUIRE(ack);
  auto ack_json = parse_json(*ack);
  CHECK(string_member(ack_json, "client_msg_id") == "m1");
  CHECK(int_member(ack_json, "recipient_id") == users.bob.id);
  auto incoming =
      users.bob_ws->read_until(json_type_is("incoming_message"), frame_timeout);
  REQUIRE(incoming);
  auto incoming_json = parse_json(*incoming);
  CHECK(string_member(incoming_json, "content") == "hi bob");
  CHECK(int_member(incoming_json, "sender_id") == users.alice.id);
  CHECK(int_member(incoming_json, "id") == int_member(ack_json, "id"));
}

TEST_CASE("a message to an unknown recipient gets an error frame") {
  two_users users;
  users.alice_ws->send_text(
      private_message(users.bob.id + 1000, "hello?", "m2"));
  auto error = users.alice_ws->read_until(json_type_is("error"), frame_timeout);
  REQUIRE(error);
  auto error_json = parse_json(*error);
  CHECK(string_member(error_json, "code") == "unknown_recipient");
  CHECK(string_member(error_json, "client_msg_id") == "m2");
}

TEST_CASE("a frame that is not JSON gets an error frame and the connection "
          "stays usable") {
  two_users users;
  users.alice_ws->send_text("{not json");
  auto error = users.alice_ws->read_until(json_type_is("error"), frame_timeout);
  REQUIRE(error);
  CHECK(string_member(parse_json(*error), "code") == "invalid_json");
  users.alice_ws->send_text(private_message(users.bob.id, "still here", "m3"));
  CHECK(
      users.alice_ws->read_until(json_type_is("message_sent"), frame_timeout));
}

TEST_CASE("a frame over --max-frame-bytes closes the connection with 1009") {
  two_users users;
  users.alice_ws->send_text(
      private_message(users.bob.id, std::string(max_frame_bytes, 'x'), "m4"));
  CHECK(users.alice_ws->expect_close(frame_timeout) == 1009);
  CHECK(users.node.get("/healthz").status == 200);
}
