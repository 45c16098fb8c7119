// Tests of http_request against the loopback server.
#include <stdexcept>

#include <doctest/doctest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/self_test/loopback_server.hpp"

using namespace parley::testing;

TEST_CASE("a request returns the status, the body and lower-case headers") {
  loopback_server server;
  auto response = http_request("127.0.0.1", server.port(), "POST", "/users?x=1",
                               R"({"a":1})", {{"X-Test", "seen"}});
  CHECK(response.status == 200);
  CHECK(response.body == R"(POST /users?x=1 {"a":1})");
  CHECK(response.headers["x-echo"] == "seen");
  CHECK(response.headers["content-length"] == "23");
}

TEST_CASE("a request without a body works for any method") {
  loopback_server server;
  CHECK(http_request("127.0.0.1", server.port(), "GET", "/healthz").body ==
        "GET /healthz ");
  CHECK(http_request("127.0.0.1", server.port(), "DELETE", "/x").body ==
        "DELETE /x ");
}

TEST_CASE("bearer makes an Authorization header") {
  loopback_server server;
  auto response =
      http_request("127.0.0.1", server.port(), "GET", "/", {}, bearer("abc"));
  CHECK(response.status == 200);
  CHECK(bearer("abc") == header_list{{"Authorization", "Bearer abc"}});
}

TEST_CASE("a request where nobody listens throws") {
  unsigned short port = 0;
  {
    loopback_server gone;
    port = gone.port();
  }
  CHECK_THROWS_AS(http_request("127.0.0.1", port, "GET", "/"),
                  std::runtime_error);
}

TEST_CASE("a request to a host that does not resolve throws") {
  CHECK_THROWS_AS(http_request("no-such-host.invalid", 80, "GET", "/"),
                  std::runtime_error);
}
