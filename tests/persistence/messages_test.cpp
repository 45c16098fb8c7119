// Store tests for insert_messages: order, idempotency, bad rows and content.
#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

namespace {

// Everything stored that involves `user`, oldest first.
std::vector<chat_message> history_of(persistence::store& store, user_id user) {
  return value_of(store.messages_after(user, 0, 1000));
}

} // namespace

TEST_CASE_FIXTURE(store_fixture, "a stored message keeps every field") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto input = draft(alice, bob, "hello bob", "c-1");
  auto outcomes = insert({input});
  REQUIRE(outcomes.size() == 1);
  CHECK_FALSE(outcomes[0].error);
  CHECK_FALSE(outcomes[0].duplicate);
  auto stored = outcomes[0].message;
  CHECK(stored.id > 0);
  input.id = stored.id;
  CHECK(stored == input);
  auto history = history_of(*store, bob);
  REQUIRE(history.size() == 1);
  CHECK(history[0] == input);
}

TEST_CASE_FIXTURE(store_fixture, "a batch is stored with ids in given order") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  auto outcomes = insert({draft(alice, bob, "1"), draft(bob, alice, "2"),
                          draft(carol, bob, "3"), draft(alice, carol, "4"),
                          draft(alice, bob, "5")});
  REQUIRE(outcomes.size() == 5);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    CHECK_FALSE(outcomes[i].error);
    CHECK(outcomes[i].message.content == std::to_string(i + 1));
    if (i > 0) CHECK(outcomes[i].message.id > outcomes[i - 1].message.id);
  }
  CHECK(contents(history_of(*store, bob)) ==
        std::vector<std::string>{"1", "2", "3", "5"});
}

TEST_CASE_FIXTURE(store_fixture, "an empty batch stores nothing") {
  auto alice = add_user("alice");
  CHECK(insert({}).empty());
  CHECK(history_of(*store, alice).empty());
}

TEST_CASE_FIXTURE(store_fixture, "a resent client_msg_id is stored once") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto original = send(alice, bob, "first", "c-1");
  auto again = insert({draft(alice, bob, "first resent", "c-1")});
  REQUIRE(again.size() == 1);
  CHECK_FALSE(again[0].error);
  CHECK(again[0].duplicate);
  CHECK(again[0].message == original);
  CHECK(contents(history_of(*store, bob)) == std::vector<std::string>{"first"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "a client_msg_id repeated within one batch is stored once") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes =
      insert({draft(alice, bob, "a", "c-1"), draft(alice, bob, "b", "c-2"),
              draft(alice, bob, "a again", "c-1")});
  REQUIRE(outcomes.size() == 3);
  CHECK_FALSE(outcomes[0].duplicate);
  CHECK_FALSE(outcomes[1].duplicate);
  CHECK(outcomes[2].duplicate);
  CHECK_FALSE(outcomes[2].error);
  CHECK(outcomes[2].message == outcomes[0].message);
  CHECK(contents(history_of(*store, bob)) ==
        std::vector<std::string>{"a", "b"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "equal client_msg_ids of different senders do not clash") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes = insert({draft(alice, bob, "from alice", "c-1"),
                          draft(bob, alice, "from bob", "c-1")});
  REQUIRE(outcomes.size() == 2);
  CHECK_FALSE(outcomes[0].duplicate);
  CHECK_FALSE(outcomes[1].duplicate);
  CHECK(history_of(*store, alice).size() == 2);
}

TEST_CASE_FIXTURE(store_fixture,
                  "messages without client_msg_id are never duplicates") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes =
      insert({draft(alice, bob, "same"), draft(alice, bob, "same")});
  send(alice, bob, "same");
  CHECK_FALSE(outcomes[0].duplicate);
  CHECK_FALSE(outcomes[1].duplicate);
  CHECK(history_of(*store, bob).size() == 3);
  CHECK(history_of(*store, bob)[0].client_msg_id.empty());
}

TEST_CASE_FIXTURE(store_fixture,
                  "an unknown recipient fails only its own row of a batch") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes = insert({draft(alice, bob, "before"),
                          draft(alice, bob + 1000, "lost", "c-x"),
                          draft(alice, bob, "after")});
  REQUIRE(outcomes.size() == 3);
  CHECK_FALSE(outcomes[0].error);
  CHECK(code_of(outcomes[1].error) == error_code::unknown_recipient);
  CHECK(outcomes[1].message.id == 0);
  CHECK_FALSE(outcomes[2].error);
  CHECK(outcomes[2].message.id > outcomes[0].message.id);
  CHECK(contents(history_of(*store, alice)) ==
        std::vector<std::string>{"before", "after"});
  // The refused row's client_msg_id stays free for a corrected resend.
  auto retry = insert({draft(alice, bob, "lost", "c-x")});
  CHECK_FALSE(retry[0].duplicate);
  CHECK_FALSE(retry[0].error);
}

TEST_CASE_FIXTURE(store_fixture,
                  "an unknown sender fails only its own row of a batch") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes =
      insert({draft(bob + 1000, alice, "ghost"), draft(alice, bob, "real")});
  CHECK(code_of(outcomes[0].error) == error_code::internal);
  CHECK_FALSE(outcomes[1].error);
  CHECK(contents(history_of(*store, alice)) ==
        std::vector<std::string>{"real"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "content with a NUL byte is refused, its neighbours kept") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes = insert({draft(alice, bob, "ok 1"),
                          draft(alice, bob, std::string("a\0b", 3)),
                          draft(alice, bob, "ok 2")});
  CHECK_FALSE(outcomes[0].error);
  CHECK(code_of(outcomes[1].error) == error_code::invalid_content);
  CHECK_FALSE(outcomes[2].error);
  CHECK(contents(history_of(*store, bob)) ==
        std::vector<std::string>{"ok 1", "ok 2"});
}

TEST_CASE_FIXTURE(store_fixture, "a client_msg_id with a NUL byte is refused") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto outcomes = insert({draft(alice, bob, "x", std::string("c\0d", 3))});
  CHECK(code_of(outcomes[0].error) == error_code::invalid_client_msg_id);
  CHECK(history_of(*store, bob).empty());
}

TEST_CASE_FIXTURE(store_fixture, "content is stored byte for byte") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  const std::vector<std::string> samples = {
      "it's a \"quoted\" 'string'",
      "emoji 😀🎉 and accents éàü and CJK 漢字",
      R"(back\slash \\ \n \' \")",
      "'; DROP TABLE messages; --",
      "Robert'); DELETE FROM users WHERE ('1'='1",
      ":name $1 ? %s {} :: @p1",
      "line one\nline two\r\n\ttabbed  ",
      "  leading and trailing spaces  ",
      std::string(4096, 'x'),
      std::string(1024, '\'') + std::string(1024, '\\') +
          std::string(1024, '"'),
  };
  std::vector<chat_message> batch;
  for (const auto& sample : samples)
    batch.push_back(draft(alice, bob, sample, "id: " + sample.substr(0, 60)));
  for (const auto& outcome : insert(batch))
    CHECK_FALSE(outcome.error);
  auto history = history_of(*store, bob);
  REQUIRE(history.size() == samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    CHECK(history[i].content == samples[i]);
    CHECK(history[i].client_msg_id == "id: " + samples[i].substr(0, 60));
  }
}

} // namespace parley::testing
