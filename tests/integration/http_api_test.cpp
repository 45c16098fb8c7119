// The public HTTP API of one node: health, registration, login and user
// lookup, with every error in the {"error":{"code","message"}} shape.
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

const std::string good_password = "correct horse";

std::string credentials(const std::string& username,
                        const std::string& password) {
  return json_object({{"username", username}, {"password", password}});
}

/// Checks status and error code of a refused request.
void check_error(const http_response& response, int status,
                 const std::string& code) {
  INFO("body: " << response.body);
  CHECK(response.status == status);
  CHECK(error_code_of(response.body) == code);
  CHECK(response.headers.at("content-type").find("application/json") !=
        std::string::npos);
}

} // namespace

TEST_CASE("GET /healthz answers 200") {
  running_node node;
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("POST /users creates a user and answers 201 with id and name") {
  running_node node;
  auto response = node.post("/users", credentials("alice", good_password));
  REQUIRE(response.status == 201);
  auto body = parse_json(response.body);
  CHECK(int_member(body, "id") > 0);
  CHECK(string_member(body, "username") == "alice");
}

TEST_CASE("usernames of 3 and of 32 allowed characters are accepted") {
  running_node node;
  CHECK(node.post("/users", credentials("a.b", good_password)).status == 201);
  CHECK(node.post("/users",
                  credentials("Az09_.-" + std::string(25, 'x'), "12345678"))
            .status == 201);
}

TEST_CASE("two users get different ids") {
  running_node node;
  auto first =
      parse_json(node.post("/users", credentials("first", good_password)).body);
  auto second = parse_json(
      node.post("/users", credentials("second", good_password)).body);
  CHECK(int_member(first, "id") != int_member(second, "id"));
}

TEST_CASE("POST /users refuses a username shorter than 3 characters") {
  running_node node;
  check_error(node.post("/users", credentials("ab", good_password)), 400,
              "invalid_username");
}

TEST_CASE("POST /users refuses a username longer than 32 characters") {
  running_node node;
  check_error(
      node.post("/users", credentials(std::string(33, 'a'), good_password)),
      400, "invalid_username");
}

TEST_CASE("POST /users refuses characters outside [A-Za-z0-9_.-]") {
  running_node node;
  for (std::string name : {"bad name", "bad!", "b@d", "bäd", "semi;colon"}) {
    CAPTURE(name);
    check_error(node.post("/users", credentials(name, good_password)), 400,
                "invalid_username");
  }
}

TEST_CASE("POST /users refuses a password shorter than 8 characters") {
  running_node node;
  check_error(node.post("/users", credentials("alice", "1234567")), 400,
              "invalid_password");
}

TEST_CASE("POST /users refuses malformed JSON") {
  running_node node;
  check_error(node.post("/users", "{\"username\":"), 400, "invalid_request");
  check_error(node.post("/users", "not json"), 400, "invalid_request");
  check_error(node.post("/users", "[]"), 400, "invalid_request");
}

TEST_CASE("POST /users refuses missing or mistyped fields") {
  running_node node;
  check_error(node.post("/users", R"({"username":"alice"})"), 400,
              "invalid_request");
  check_error(node.post("/users", R"({"password":"12345678"})"), 400,
              "invalid_request");
  check_error(node.post("/users", R"({"username":7,"password":"12345678"})"),
              400, "invalid_request");
  check_error(node.post("/users", ""), 400, "invalid_request");
}

TEST_CASE("POST /users answers 409 for a taken username") {
  running_node node;
  REQUIRE(node.post("/users", credentials("alice", good_password)).status ==
          201);
  check_error(node.post("/users", credentials("alice", "another password")),
              409, "username_taken");
}

TEST_CASE("POST /login answers a token, its expiry and the user") {
  running_node node;
  auto created =
      parse_json(node.post("/users", credentials("alice", good_password)).body);
  auto response = node.post("/login", credentials("alice", good_password));
  REQUIRE(response.status == 200);
  auto body = parse_json(response.body);
  CHECK_FALSE(string_member(body, "access_token").value_or("").empty());
  CHECK(string_member(body, "expires_at").has_value());
  REQUIRE(body.HasMember("user"));
  CHECK(int_member(body["user"], "id") == int_member(created, "id"));
  CHECK(string_member(body["user"], "username") == "alice");
}

TEST_CASE("a wrong password and an unknown user get the same 401") {
  running_node node;
  REQUIRE(node.post("/users", credentials("alice", good_password)).status ==
          201);
  auto wrong = node.post("/login", credentials("alice", "wrong password"));
  auto unknown = node.post("/login", credentials("nobody", good_password));
  check_error(wrong, 401, "invalid_credentials");
  check_error(unknown, 401, "invalid_credentials");
  CHECK(wrong.body == unknown.body);
}

TEST_CASE("POST /login refuses malformed JSON") {
  running_node node;
  check_error(node.post("/login", "{"), 400, "invalid_request");
  check_error(node.post("/login", R"({"username":"alice"})"), 400,
              "invalid_request");
}

TEST_CASE("GET /users/{name} with a token answers id, name and status") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", good_password);
  register_and_login(node.port(), "bob", good_password);
  auto response = node.get("/users/bob", bearer(alice.token));
  REQUIRE(response.status == 200);
  auto body = parse_json(response.body);
  CHECK(int_member(body, "id") > 0);
  CHECK(int_member(body, "id") != alice.id);
  CHECK(string_member(body, "username") == "bob");
  auto status = string_member(body, "status");
  CHECK((status == "online" || status == "offline"));
}

TEST_CASE("GET /users/{name} answers 404 for an unknown user") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", good_password);
  check_error(node.get("/users/nobody", bearer(alice.token)), 404, "not_found");
}

TEST_CASE("GET /users/{name} answers 401 without a valid token") {
  running_node node;
  auto alice = register_and_login(node.port(), "alice", good_password);
  check_error(node.get("/users/alice"), 401, "unauthorized");
  check_error(node.get("/users/alice", bearer("garbage")), 401, "unauthorized");
  check_error(node.get("/users/alice", {{"Authorization", alice.token}}), 401,
              "unauthorized");
  check_error(node.get("/users/alice", {{"Authorization", "Basic YTpi"}}), 401,
              "unauthorized");
}
