// Store tests for deliveries: per-device cursors (open_device), the read-only
// offline push page (messages_to) and the base-conditioned marks.
#include <algorithm>
#include <thread>

#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

namespace {

std::vector<message_id> ids_of(const std::vector<chat_message>& messages) {
  std::vector<message_id> result;
  for (const auto& message : messages)
    result.push_back(message.id);
  return result;
}

/// A device's cursor as the store reports it.
message_id cursor(store_fixture& fx, user_id user,
                  const std::string& device = {}) {
  return value_of(fx.store->open_device(user, device));
}

/// Messages to `user` above a device's cursor, as an offline push reads them.
std::vector<chat_message> undelivered(store_fixture& fx, user_id user,
                                      const std::string& device = {}) {
  return value_of(fx.store->messages_to(user, cursor(fx, user, device), 100));
}

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "a user's first device starts at 0 and finds every message "
                  "to the user, in id order") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  auto first = send(alice, bob, "one", "c-1");
  auto second = send(carol, bob, "two");
  send(bob, alice, "to alice");
  auto third = send(alice, bob, "three");
  CHECK(cursor(*this, bob) == 0);
  CHECK(undelivered(*this, bob) ==
        std::vector<chat_message>{first, second, third});
}

TEST_CASE_FIXTURE(store_fixture,
                  "reading a push page changes nothing: the same page comes "
                  "back until a mark moves the cursor") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  for (auto content : {"1", "2", "3", "4", "5"})
    send(alice, bob, content);
  CHECK(contents(value_of(store->messages_to(bob, 0, 2))) ==
        std::vector<std::string>{"1", "2"});
  CHECK(contents(value_of(store->messages_to(bob, 0, 2))) ==
        std::vector<std::string>{"1", "2"});
  CHECK(value_of(store->messages_to(bob, 0, 0)).empty());
  auto all = value_of(store->messages_to(bob, 0, 10));
  CHECK(contents(value_of(store->messages_to(bob, all[1].id, 10))) ==
        std::vector<std::string>{"3", "4", "5"});
  CHECK(undelivered(*this, bob).size() == 5);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a device cursor of an unknown user is not_found") {
  auto error = error_of(store->open_device(4242, ""));
  CHECK(code_of(error) == error_code::not_found);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a mark moves a cursor only where the cursor stands at its "
                  "base or above") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first = send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  auto third = send(alice, bob, "three");
  CHECK(cursor(*this, bob) == 0);
  // A stream that began above the cursor proves nothing about `first`.
  CHECK_FALSE(store->mark_delivered({{bob, "", first.id, third.id}}));
  CHECK(cursor(*this, bob) == 0);
  CHECK_FALSE(store->mark_delivered({{bob, "", 0, second.id}}));
  CHECK(cursor(*this, bob) == second.id);
  // One that began below it continues it; a mark behind it changes nothing.
  CHECK_FALSE(store->mark_delivered({{bob, "", first.id, third.id}}));
  CHECK(cursor(*this, bob) == third.id);
  CHECK_FALSE(store->mark_delivered({{bob, "", 0, first.id}}));
  CHECK(cursor(*this, bob) == third.id);
  CHECK(undelivered(*this, bob).empty());
}

TEST_CASE_FIXTURE(store_fixture,
                  "devices keep their own cursors, and marks of unknown "
                  "devices or users change nothing") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first = send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  CHECK(cursor(*this, bob, "phone") == 0);
  CHECK(cursor(*this, bob, "laptop") == 0);
  CHECK_FALSE(store->mark_delivered({{bob, "phone", 0, second.id},
                                     {bob, "watch", 0, second.id},
                                     {bob + 1000, "", 0, second.id}}));
  CHECK(cursor(*this, bob, "phone") == second.id);
  CHECK(ids_of(undelivered(*this, bob, "laptop")) ==
        std::vector<message_id>{first.id, second.id});
  CHECK(undelivered(*this, bob, "phone").empty());
}

TEST_CASE_FIXTURE(store_fixture,
                  "a new device starts where the user's least advanced "
                  "device stands") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first = send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  auto third = send(alice, bob, "three");
  cursor(*this, bob, "phone");
  cursor(*this, bob, "laptop");
  CHECK_FALSE(store->mark_delivered(
      {{bob, "phone", 0, third.id}, {bob, "laptop", 0, first.id}}));
  CHECK(cursor(*this, bob, "tablet") == first.id);
  CHECK(ids_of(undelivered(*this, bob, "tablet")) ==
        std::vector<message_id>{second.id, third.id});
}

TEST_CASE_FIXTURE(store_fixture,
                  "devices opened from two connections at once get one "
                  "cursor each") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  send(alice, bob, "one");
  auto other = value_of(persistence::open_store(db.url()));
  message_id seen[2] = {-1, -1};
  std::thread racer{[&] { seen[1] = value_of(other->open_device(bob, "d")); }};
  seen[0] = value_of(store->open_device(bob, "d"));
  racer.join();
  CHECK(seen[0] == 0);
  CHECK(seen[1] == 0);
  CHECK_FALSE(store->mark_delivered({{bob, "d", 0, 1}}));
  CHECK(value_of(other->open_device(bob, "d")) == 1);
}

TEST_CASE_FIXTURE(store_fixture,
                  "marks of many users in one call: each applies once") {
  auto alice = add_user("alice");
  std::vector<user_id> users;
  std::vector<persistence::delivery_mark> marks;
  std::vector<chat_message> last;
  for (int i = 0; i < 30; ++i) {
    auto user = add_user("user" + std::to_string(i));
    send(alice, user, "first");
    auto second = send(alice, user, "second");
    last.push_back(send(alice, user, "third"));
    users.push_back(user);
    cursor(*this, user);
    marks.push_back({user, "", 0, second.id});
  }
  CHECK_FALSE(store->mark_delivered(marks));
  for (std::size_t i = 0; i < users.size(); ++i)
    CHECK(undelivered(*this, users[i]) == std::vector<chat_message>{last[i]});
}

TEST_CASE_FIXTURE(store_fixture, "delivered messages stay in the history") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto message = send(alice, bob, "kept");
  cursor(*this, bob);
  CHECK_FALSE(store->mark_delivered({{bob, "", 0, message.id}}));
  CHECK(value_of(store->messages_after(bob, 0, 10)) ==
        std::vector<chat_message>{message});
}

TEST_CASE_FIXTURE(store_fixture,
                  "users are listed with undelivered messages while a device "
                  "of theirs, or a new one, would lack a message") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  CHECK(value_of(store->users_with_undelivered()).empty());
  auto to_bob = send(alice, bob, "to bob");
  auto to_carol = send(alice, carol, "to carol");
  auto listed = value_of(store->users_with_undelivered());
  std::sort(listed.begin(), listed.end());
  CHECK(listed ==
        std::vector<user_id>{std::min(bob, carol), std::max(bob, carol)});
  cursor(*this, bob, "phone");
  cursor(*this, bob, "laptop");
  CHECK_FALSE(store->mark_delivered({{bob, "phone", 0, to_bob.id}}));
  CHECK(value_of(store->users_with_undelivered()).size() == 2);
  cursor(*this, carol);
  CHECK_FALSE(store->mark_delivered(
      {{bob, "laptop", 0, to_bob.id}, {carol, "", 0, to_carol.id}}));
  CHECK(value_of(store->users_with_undelivered()).empty());
}

TEST_CASE_FIXTURE(store_fixture,
                  "one commit stores messages, moves cursors and applies "
                  "presence, also for the same user") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  cursor(*this, bob);
  cursor(*this, alice);
  persistence::write_batch batch;
  batch.messages = {draft(alice, bob, "three"), draft(bob, alice, "four")};
  batch.delivered = {{bob, "", 0, second.id}};
  batch.presence = {{bob, presence::online},
                    {alice, presence::online},
                    {bob, presence::offline},
                    {bob, presence::online}};
  auto outcomes = value_of(store->commit(batch));
  REQUIRE(outcomes.size() == 2);
  CHECK_FALSE(outcomes[0].error);
  CHECK_FALSE(outcomes[1].error);
  CHECK(outcomes[1].message.id > outcomes[0].message.id);
  CHECK(value_of(store->find_account("bob"))->status == "online");
  CHECK(value_of(store->find_account("alice"))->status == "online");
  CHECK(contents(undelivered(*this, bob)) == std::vector<std::string>{"three"});
  CHECK(contents(undelivered(*this, alice)) ==
        std::vector<std::string>{"four"});
}

} // namespace parley::testing
