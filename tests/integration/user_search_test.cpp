// GET /users?prefix=: finding someone to talk to by the start of their
// name, without case, never oneself, never more than 20, never a secret.
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// The usernames of a search's answer; fails the test on a bad shape.
std::set<std::string> names_in(const http_response& response) {
  std::set<std::string> names;
  auto body = parse_json(response.body);
  REQUIRE(body.IsObject());
  REQUIRE(body.HasMember("users"));
  REQUIRE(body["users"].IsArray());
  for (const auto& user : body["users"].GetArray()) {
    CHECK(user["id"].IsInt64());
    CHECK(user["status"].IsString());
    CHECK_FALSE(user.HasMember("hashed_password"));
    CHECK_FALSE(user.HasMember("password"));
    names.insert(user["username"].GetString());
  }
  return names;
}

} // namespace

TEST_CASE("users are found by the start of their name, in any case, the "
          "caller left out") {
  running_node node;
  auto caller = register_and_login(node.port(), "alfred", "password1");
  for (auto name : {"alice", "Alicia", "al_x", "alx", "bob"})
    register_and_login(node.port(), name, "password1");
  auto found = node.get("/users?prefix=al", bearer(caller.token));
  REQUIRE(found.status == 200);
  CHECK(names_in(found) ==
        std::set<std::string>{"alice", "Alicia", "al_x", "alx"});
  CHECK(names_in(node.get("/users?prefix=ALI", bearer(caller.token))) ==
        std::set<std::string>{"alice", "Alicia"});
  // '_' is a username character, not LIKE's wildcard.
  CHECK(names_in(node.get("/users?prefix=al_", bearer(caller.token))) ==
        std::set<std::string>{"al_x"});
  CHECK(names_in(node.get("/users?prefix=zz", bearer(caller.token))).empty());
  auto bob =
      parse_json(node.get("/users?prefix=bo", bearer(caller.token)).body);
  REQUIRE(bob["users"].Size() == 1);
  CHECK(std::string{bob["users"][0]["status"].GetString()} == "offline");
}

TEST_CASE("a search answers at most 20 users, in name order") {
  running_node node;
  auto caller = register_and_login(node.port(), "searcher", "password1");
  for (int i = 0; i < 22; ++i)
    register_and_login(node.port(), "many" + std::to_string(100 + i),
                       "password1");
  auto found = node.get("/users?prefix=many", bearer(caller.token));
  REQUIRE(found.status == 200);
  auto body = parse_json(found.body);
  REQUIRE(body["users"].Size() == 20);
  CHECK(std::string{body["users"][0]["username"].GetString()} == "many100");
  CHECK(std::string{body["users"][19]["username"].GetString()} == "many119");
}

TEST_CASE("a search needs a token and a prefix of 2-32 name characters") {
  running_node node;
  auto caller = register_and_login(node.port(), "carol", "password1");
  CHECK(node.get("/users?prefix=ca").status == 401);
  CHECK(node.get("/users?prefix=ca", bearer("v4.local.nonsense")).status ==
        401);
  const std::vector<std::string> bad_targets{
      "/users",
      "/users?prefix=",
      "/users?prefix=c",
      "/users?prefix=c%25",
      "/users?prefix=ca%20r",
      "/users?prefix=" + std::string(33, 'c'),
  };
  for (const auto& bad : bad_targets) {
    INFO(bad);
    auto answer = node.get(bad, bearer(caller.token));
    CHECK(answer.status == 400);
    CHECK(answer.body.find("invalid_request") != std::string::npos);
  }
  CHECK(node.get("/users?prefix=" + std::string(32, 'c'), bearer(caller.token))
            .status == 200);
}
