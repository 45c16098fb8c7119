// Bad HTTP against a real node: unknown routes, wrong methods, oversized
// bodies and headers, bytes that are not HTTP at all, bad upgrades and bad
// queries. Each gets a JSON error or a closed connection, never a 5xx, and
// the node keeps serving.
#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/raw_connection.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/ws_client.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// How long a raw exchange waits for the node to answer or hang up.
constexpr auto raw_reply_timeout = 10s;

/// Sends `request` raw and returns what the node answered before it hung
/// up; a node that neither answers nor hangs up fails the test.
std::string exchange(unsigned short port, const std::string& request) {
  auto reply = raw_exchange(port, request, raw_reply_timeout);
  REQUIRE_MESSAGE(reply, "the node neither answered nor hung up");
  return *reply;
}

/// The status of the first response in `bytes`, 0 when there is none.
int status_of(const std::string& bytes) {
  if (bytes.compare(0, 9, "HTTP/1.1 ") != 0 || bytes.size() < 12) return 0;
  return std::stoi(bytes.substr(9, 3));
}

/// The body of the first response in `bytes` (up to the end).
std::string body_of(const std::string& bytes) {
  auto end = bytes.find("\r\n\r\n");
  return end == std::string::npos ? std::string{} : bytes.substr(end + 4);
}

/// Checks status and JSON error code of a refused request.
void check_error(const http_response& response, int status,
                 const std::string& code) {
  INFO("body: " << response.body);
  CHECK(response.status == status);
  CHECK(error_code_of(response.body) == code);
}

/// Checks that garbage was answered with a 400 JSON error or by hanging up
/// without an answer.
void check_refused_or_closed(const std::string& reply) {
  INFO("reply: " << reply.substr(0, 300));
  if (reply.empty()) return;
  CHECK(status_of(reply) == 400);
  CHECK(error_code_of(body_of(reply)).has_value());
}

} // namespace

TEST_CASE("an unknown route gets 404 with a JSON error") {
  running_node node;
  for (std::string target :
       {"/index.htm", "/nope", "/users/", "/users/alice/extra", "/healthz/x",
        "/ws", "/messages/1", "/USERS"})
    check_error(node.get(target), 404, "not_found");
  check_error(node.post("/nope", "{}"), 404, "not_found");
}

TEST_CASE("a known route with the wrong method gets 405 with a JSON error") {
  running_node node;
  auto call = [&](const std::string& method, const std::string& target) {
    CAPTURE(method);
    CAPTURE(target);
    check_error(http_request("127.0.0.1", node.port(), method, target, "{}"),
                405, "method_not_allowed");
  };
  call("PUT", "/users");
  call("DELETE", "/users");
  call("GET", "/login");
  call("PUT", "/login");
  call("POST", "/healthz");
  call("POST", "/messages");
  call("DELETE", "/messages");
  call("POST", "/users/alice");
  call("PATCH", "/users/alice");
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a body over the limit gets 413 or 400 with a JSON error") {
  running_node node;
  auto big = R"({"username":"alice","password":")" + std::string(20'000, 'p') +
             R"("})";
  for (const auto& size : {big.size(), std::size_t{1024 * 1024}}) {
    CAPTURE(size);
    auto body = big;
    body.resize(size, ' ');
    auto reply = exchange(node.port(),
                          "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
    INFO("reply: " << reply.substr(0, 300));
    CHECK((status_of(reply) == 413 || status_of(reply) == 400));
    CHECK(error_code_of(body_of(reply)).has_value());
  }
  // A length that is announced but never sent is refused at once.
  auto announced = exchange(node.port(), "POST /users HTTP/1.1\r\nHost: x\r\n"
                                         "Content-Length: 99999999999\r\n\r\n");
  CHECK((status_of(announced) == 413 || status_of(announced) == 400));
  CHECK(error_code_of(body_of(announced)).has_value());
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a chunked body over the limit gets 413 or 400 with a JSON error") {
  running_node node;
  std::string chunks;
  for (int i = 0; i < 40; ++i)
    chunks += "400\r\n" + std::string(1024, 'x') + "\r\n";
  auto reply = exchange(node.port(), "POST /users HTTP/1.1\r\nHost: x\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n" +
                                         chunks + "0\r\n\r\n");
  INFO("reply: " << reply.substr(0, 300));
  CHECK((status_of(reply) == 413 || status_of(reply) == 400));
  CHECK(error_code_of(body_of(reply)).has_value());
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("malformed request lines get 400 or a closed connection and the "
          "node keeps serving") {
  running_node node;
  for (std::string request :
       {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /healthz\r\n\r\n",
        "GET /healthz HTTP/1.1 extra\r\n\r\n", "GET  /healthz HTTP/1.1\r\n\r\n",
        "G@T /healthz HTTP/1.1\r\n\r\n", "\r\n\r\n\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: "
        "2\r\n\r\n",
        "POST /users HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    CAPTURE(request);
    check_refused_or_closed(exchange(node.port(), request));
  }
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("bytes that are not HTTP at all get 400 or a closed connection") {
  running_node node;
  std::string binary;
  for (int i = 0; i < 4096; ++i)
    binary += static_cast<char>((i * 167 + 13) % 256);
  const std::string tls_client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc"
                                     "\x03\x03",
                                     11);
  for (const auto& bytes :
       {binary, tls_client_hello, std::string(1, '\0'),
        std::string(100'000, 'A'), "GET /" + std::string(100'000, 'a')})
    check_refused_or_closed(exchange(node.port(), bytes));
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("headers over the limit get 400 or a closed connection") {
  running_node node;
  check_refused_or_closed(
      exchange(node.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                std::string(20'000, 'b') + "\r\n\r\n"));
  std::string many;
  for (int i = 0; i < 2000; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  check_refused_or_closed(exchange(
      node.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + "\r\n"));
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a half-sent request does not keep the node from serving others") {
  running_node node;
  raw_connection stalled{node.port()};
  REQUIRE(stalled.send("POST /users HTTP/1.1\r\nContent-Length: 100\r\n"));
  auto started = std::chrono::steady_clock::now();
  CHECK(node.get("/healthz").status == 200);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  // Connections that end mid-request or say nothing at all.
  check_refused_or_closed(exchange(node.port(), "GET /heal"));
  check_refused_or_closed(exchange(node.port(), ""));
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a WebSocket upgrade on a path other than /ws gets 404") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password1");
  for (std::string target :
       {"/", "/wsx", "/ws/", "/ws/extra", "/users", "/healthz", "/WS"}) {
    CAPTURE(target);
    auto result = ws_client::connect("127.0.0.1", node.port(), target,
                                     bearer(alice.token));
    CHECK_FALSE(result.client);
    CHECK(result.refusal.status == 404);
    CHECK(error_code_of(result.refusal.body) == "not_found");
  }
  CHECK(ws_client::connect("127.0.0.1", node.port(), "/ws", bearer(alice.token))
            .client);
}

TEST_CASE("an upgrade with a since that is not a message id gets 400") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password1");
  for (std::string since :
       {"abc", "-1", "1.5", "", "1e3", "0x10", "5abc", "%20", "1%200",
        "99999999999999999999", "9223372036854775808"}) {
    CAPTURE(since);
    auto result = ws_client::connect("127.0.0.1", node.port(),
                                     "/ws?since=" + since, bearer(alice.token));
    CHECK_FALSE(result.client);
    CHECK(result.refusal.status == 400);
    CHECK(error_code_of(result.refusal.body) == "invalid_request");
  }
  for (std::string since : {"0", "5", "9223372036854775807"}) {
    CAPTURE(since);
    CHECK(ws_client::connect("127.0.0.1", node.port(), "/ws?since=" + since,
                             bearer(alice.token))
              .client);
  }
}

TEST_CASE("a history query with a malformed parameter gets 400") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password1");
  for (std::string query :
       {"", "with=", "with=abc", "with=0", "with=-1", "with=1.5",
        "with=99999999999999999999", "with=1&limit=0", "with=1&limit=abc",
        "with=1&limit=-5", "with=1&before_id=0", "with=1&before_id=x",
        "with=%zz"}) {
    CAPTURE(query);
    check_error(node.get("/messages?" + query, bearer(alice.token)), 400,
                "invalid_request");
  }
  check_error(node.get("/messages?with=abc"), 401, "unauthorized");
}

TEST_CASE("an escaped NUL in credentials is refused, never a server error") {
  running_node node;
  auto nul_name = node.post(
      "/users", R"({"username":"al\u0000ice","password":"password1"})");
  check_error(nul_name, 400, "invalid_username");
  auto nul_password =
      node.post("/users", R"({"username":"bob","password":"pass\u0000word"})");
  INFO("body: " << nul_password.body);
  CHECK(nul_password.status < 500);
  auto login = node.post(
      "/login", R"({"username":"al\u0000ice","password":"password1"})");
  INFO("body: " << login.body);
  CHECK((login.status == 400 || login.status == 401));
  CHECK(error_code_of(login.body).has_value());
}

TEST_CASE("an upgrade the WebSocket handshake refuses gets a JSON error") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", "password1");
  auto upgrade = [&](const std::string& extra_fields) {
    return "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nAuthorization: Bearer " +
           alice.token + "\r\n" + extra_fields + "\r\n";
  };
  const std::string key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  for (const auto& request : std::vector<std::string>{
           upgrade("Sec-WebSocket-Version: 12\r\n" + key),
           upgrade(key),
           upgrade("Sec-WebSocket-Version: 13\r\n"),
       }) {
    auto reply = exchange(node.port(), request);
    INFO("reply: " << reply.substr(0, 300));
    CHECK((status_of(reply) == 400 || status_of(reply) == 426));
    CHECK(error_code_of(body_of(reply)).has_value());
  }
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("pipelined requests on one connection are answered in order") {
  running_node node;
  auto reply = exchange(node.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                     "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                     "DELETE /users HTTP/1.1\r\nHost: x\r\n\r\n"
                                     "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                     "Connection: close\r\n\r\n");
  std::vector<int> statuses;
  for (auto at = reply.find("HTTP/1.1 "); at != std::string::npos;
       at = reply.find("HTTP/1.1 ", at + 1))
    statuses.push_back(status_of(reply.substr(at)));
  CHECK(statuses == std::vector<int>{200, 404, 405, 200});
}
