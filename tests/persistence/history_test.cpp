// Store tests for reading history: messages_after (resume) and conversation.
#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

namespace {

using strings = std::vector<std::string>;

// alice, bob and carol, with messages among all three pairs interleaved.
struct three_users : store_fixture {
  user_id alice = add_user("alice");
  user_id bob = add_user("bob");
  user_id carol = add_user("carol");
  chat_message a1 = send(alice, bob, "a->b 1");
  chat_message c1 = send(carol, alice, "c->a 1");
  chat_message b1 = send(bob, alice, "b->a 1");
  chat_message c2 = send(bob, carol, "b->c 1");
  chat_message a2 = send(alice, bob, "a->b 2");
  chat_message c3 = send(alice, carol, "a->c 1");
  chat_message b2 = send(bob, alice, "b->a 2");
};

} // namespace

TEST_CASE_FIXTURE(three_users,
                  "messages_after returns mail to and from a user in order") {
  CHECK(value_of(store->messages_after(alice, 0, 100)) ==
        std::vector<chat_message>{a1, c1, b1, a2, c3, b2});
  CHECK(contents(value_of(store->messages_after(carol, 0, 100))) ==
        strings{"c->a 1", "b->c 1", "a->c 1"});
}

TEST_CASE_FIXTURE(three_users, "messages_after pages after an exclusive id") {
  auto page = value_of(store->messages_after(bob, a1.id, 2));
  CHECK(contents(page) == strings{"b->a 1", "b->c 1"});
  page = value_of(store->messages_after(bob, page.back().id, 2));
  CHECK(contents(page) == strings{"a->b 2", "b->a 2"});
  CHECK(value_of(store->messages_after(bob, page.back().id, 2)).empty());
}

TEST_CASE_FIXTURE(three_users, "messages_after with limit 0 returns nothing") {
  CHECK(value_of(store->messages_after(alice, 0, 0)).empty());
}

TEST_CASE_FIXTURE(three_users, "messages_after knows nothing of strangers") {
  auto dave = add_user("dave");
  CHECK(value_of(store->messages_after(dave, 0, 100)).empty());
  CHECK(value_of(store->messages_after(dave + 100, -1, 100)).empty());
}

TEST_CASE_FIXTURE(three_users, "a conversation is newest first and private") {
  auto expected = std::vector<chat_message>{b2, a2, b1, a1};
  CHECK(value_of(store->conversation(alice, bob, std::nullopt, 100)) ==
        expected);
  CHECK(value_of(store->conversation(bob, alice, std::nullopt, 100)) ==
        expected);
  CHECK(contents(value_of(store->conversation(carol, bob, std::nullopt,
                                              100))) == strings{"b->c 1"});
}

TEST_CASE_FIXTURE(three_users,
                  "a conversation pages with an exclusive before") {
  auto page = value_of(store->conversation(alice, bob, std::nullopt, 3));
  CHECK(contents(page) == strings{"b->a 2", "a->b 2", "b->a 1"});
  page = value_of(store->conversation(alice, bob, page.back().id, 3));
  CHECK(contents(page) == strings{"a->b 1"});
  CHECK(value_of(store->conversation(alice, bob, a1.id, 3)).empty());
  CHECK(value_of(store->conversation(alice, bob, a2.id, 0)).empty());
}

TEST_CASE_FIXTURE(three_users, "strangers have an empty conversation") {
  auto dave = add_user("dave");
  CHECK(value_of(store->conversation(alice, dave, std::nullopt, 100)).empty());
  CHECK(value_of(store->conversation(dave, dave, std::nullopt, 100)).empty());
}

TEST_CASE_FIXTURE(three_users, "a message to oneself appears once") {
  auto note = send(carol, carol, "note to self");
  CHECK(value_of(store->conversation(carol, carol, std::nullopt, 100)) ==
        std::vector<chat_message>{note});
  CHECK(value_of(store->messages_after(carol, c3.id, 100)) ==
        std::vector<chat_message>{note});
}

} // namespace parley::testing
