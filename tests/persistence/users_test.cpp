// Store tests for accounts: registration, lookup, existence and presence.
#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

TEST_CASE_FIXTURE(store_fixture, "a created user can be found with its hash") {
  auto created = value_of(store->create_user("alice", "$argon2id$v=19$x"));
  CHECK(created.id > 0);
  CHECK(created.username == "alice");
  CHECK(created.status == "offline");
  auto found = value_of(store->find_account("alice"));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->username == "alice");
  CHECK(found->password_hash == "$argon2id$v=19$x");
  CHECK(found->status == "offline");
}

TEST_CASE_FIXTURE(store_fixture, "a taken username is refused") {
  auto first = add_user("alice");
  auto error = error_of(store->create_user("alice", "other hash"));
  CHECK(code_of(error) == error_code::username_taken);
  // The original account is untouched.
  auto found = value_of(store->find_account("alice"));
  REQUIRE(found.has_value());
  CHECK(found->id == first);
  CHECK(found->password_hash == "$argon2id$alice");
}

TEST_CASE_FIXTURE(store_fixture, "usernames are compared exactly") {
  add_user("alice");
  CHECK_FALSE(value_of(store->find_account("Alice")).has_value());
  CHECK_FALSE(value_of(store->find_account("alice ")).has_value());
  CHECK(value_of(store->create_user("Alice", "h")).id > 0);
}

TEST_CASE_FIXTURE(store_fixture, "an unknown username finds no account") {
  CHECK_FALSE(value_of(store->find_account("nobody")).has_value());
  CHECK_FALSE(value_of(store->find_account("")).has_value());
  CHECK_FALSE(value_of(store->find_account("x' OR '1'='1")).has_value());
}

TEST_CASE_FIXTURE(store_fixture, "a username with a NUL byte is refused") {
  add_user("alice");
  auto error = error_of(store->create_user(std::string("alice\0x", 7), "h"));
  CHECK(code_of(error) == error_code::invalid_username);
  CHECK_FALSE(
      value_of(store->find_account(std::string("alice\0x", 7))).has_value());
}

TEST_CASE_FIXTURE(store_fixture, "user_exists is true only for created ids") {
  auto alice = add_user("alice");
  CHECK(value_of(store->user_exists(alice)));
  CHECK_FALSE(value_of(store->user_exists(alice + 1)));
  CHECK_FALSE(value_of(store->user_exists(0)));
  CHECK_FALSE(value_of(store->user_exists(-1)));
}

TEST_CASE_FIXTURE(store_fixture, "presence changes apply in order") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  using persistence::presence_change;
  CHECK_FALSE(store->set_presence({{alice, presence::online},
                                   {bob, presence::online},
                                   {alice, presence::offline},
                                   {alice, presence::online}}));
  CHECK(value_of(store->find_account("alice"))->status == "online");
  CHECK(value_of(store->find_account("bob"))->status == "online");
  CHECK_FALSE(store->set_presence({{bob, presence::offline}}));
  CHECK(value_of(store->find_account("bob"))->status == "offline");
  CHECK_FALSE(store->set_presence({}));
}

TEST_CASE_FIXTURE(store_fixture,
                  "a presence change for an unknown user changes nothing") {
  auto alice = add_user("alice");
  CHECK_FALSE(store->set_presence({{alice + 100, presence::online}}));
  CHECK(value_of(store->find_account("alice"))->status == "offline");
}

} // namespace parley::testing
