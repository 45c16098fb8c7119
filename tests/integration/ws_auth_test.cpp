// Authentication before the WebSocket upgrade: a bad token gets an HTTP 401
// with a JSON error body and never becomes a connection.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "gateway/auth/access_token.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/ws_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Milliseconds since the epoch, as token claims count time.
parley::timestamp_ms now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A token for `user` signed with `key`, expiring at `expires_at`.
std::string token_for(const logged_in_user& user,
                      const std::array<unsigned char, 32>& key,
                      parley::timestamp_ms expires_at) {
  return parley::auth::issue_token(key, {user.id, user.username, expires_at});
}

/// Asks for the upgrade and checks that it is refused with a 401 body.
void check_refused(const running_node& node, const std::string& target,
                   const header_list& headers = {}) {
  auto result = ws_client::connect("127.0.0.1", node.port(), target, headers);
  CHECK_FALSE(result.client);
  INFO("body: " << result.refusal.body);
  CHECK(result.refusal.status == 401);
  CHECK(error_code_of(result.refusal.body) == "unauthorized");
}

/// A node with one user, alice, logged in.
struct node_with_alice {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "correct horse");
};

} // namespace

TEST_CASE("an upgrade with a valid bearer token is accepted") {
  node_with_alice fixture;
  auto result = ws_client::connect("127.0.0.1", fixture.node.port(), "/ws",
                                   bearer(fixture.alice.token));
  CHECK(result.client);
  CHECK(result.refusal.status == 0);
}

TEST_CASE("an upgrade with a valid access_token parameter is accepted") {
  node_with_alice fixture;
  auto result = ws_client::connect("127.0.0.1", fixture.node.port(),
                                   "/ws?access_token=" + fixture.alice.token);
  CHECK(result.client);
}

TEST_CASE("a token the test signs with the node's key is accepted") {
  // The control for the expired-token case: same key, future expiry.
  node_with_alice fixture;
  auto token =
      token_for(fixture.alice, fixture.node.key().key(), now_ms() + 60'000);
  auto result = ws_client::connect("127.0.0.1", fixture.node.port(), "/ws",
                                   bearer(token));
  CHECK(result.client);
}

TEST_CASE("an upgrade without a token is refused with 401") {
  node_with_alice fixture;
  check_refused(fixture.node, "/ws");
}

TEST_CASE("an upgrade with a malformed token is refused with 401") {
  node_with_alice fixture;
  check_refused(fixture.node, "/ws", bearer("not-a-token"));
  check_refused(fixture.node, "/ws", bearer("v4.local.%%%"));
  check_refused(fixture.node, "/ws", {{"Authorization", "Bearer"}});
  check_refused(fixture.node, "/ws",
                {{"Authorization", "Basic " + fixture.alice.token}});
  check_refused(fixture.node, "/ws?access_token=");
  check_refused(fixture.node, "/ws?access_token=garbage");
}

TEST_CASE("an upgrade with a tampered token is refused with 401") {
  node_with_alice fixture;
  auto tampered = fixture.alice.token;
  auto& c = tampered[tampered.size() / 2];
  c = c == 'A' ? 'B' : 'A';
  check_refused(fixture.node, "/ws", bearer(tampered));
  check_refused(
      fixture.node, "/ws",
      bearer(fixture.alice.token.substr(0, fixture.alice.token.size() - 1)));
}

TEST_CASE("an upgrade with a token signed by another key is refused") {
  node_with_alice fixture;
  auto token = token_for(fixture.alice, key_from_hex(other_test_key_hex),
                         now_ms() + 60'000);
  check_refused(fixture.node, "/ws", bearer(token));
  check_refused(fixture.node, "/ws?access_token=" + token);
}

TEST_CASE("an upgrade with an expired token is refused with 401") {
  node_with_alice fixture;
  auto token =
      token_for(fixture.alice, fixture.node.key().key(), now_ms() - 60'000);
  check_refused(fixture.node, "/ws", bearer(token));
  check_refused(fixture.node, "/ws?access_token=" + token);
}

TEST_CASE("a refused upgrade leaves the node serving") {
  node_with_alice fixture;
  check_refused(fixture.node, "/ws", bearer("bad"));
  CHECK(fixture.node.get("/healthz").status == 200);
  auto client = ws_client::open("127.0.0.1", fixture.node.port(), "/ws",
                                bearer(fixture.alice.token));
  CHECK(client);
}
