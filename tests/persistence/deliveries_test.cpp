// Store tests for deliveries: claim_undelivered and the per-user watermark
// that mark_delivered raises.
#include <algorithm>

#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

namespace {

std::vector<message_id> ids_of(const std::vector<chat_message>& messages) {
  std::vector<message_id> result;
  for (const auto& message : messages)
    result.push_back(message.id);
  return result;
}

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "undelivered messages are claimed once, in id order") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  auto first = send(alice, bob, "one", "c-1");
  auto second = send(carol, bob, "two");
  auto third = send(alice, bob, "three");
  auto claimed = value_of(store->claim_undelivered(bob, 10));
  REQUIRE(claimed.size() == 3);
  CHECK(claimed[0] == first);
  CHECK(claimed[1] == second);
  CHECK(claimed[2] == third);
  CHECK(value_of(store->claim_undelivered(bob, 10)).empty());
}

TEST_CASE_FIXTURE(store_fixture, "a claim takes at most limit, oldest first") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  for (auto content : {"1", "2", "3", "4", "5"})
    send(alice, bob, content);
  CHECK(contents(value_of(store->claim_undelivered(bob, 2))) ==
        std::vector<std::string>{"1", "2"});
  CHECK(value_of(store->claim_undelivered(bob, 0)).empty());
  CHECK(contents(value_of(store->claim_undelivered(bob, 10))) ==
        std::vector<std::string>{"3", "4", "5"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "a claim takes only the recipient's messages") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  send(alice, bob, "to bob");
  send(bob, alice, "to alice");
  send(carol, alice, "also to alice");
  CHECK(contents(value_of(store->claim_undelivered(bob, 10))) ==
        std::vector<std::string>{"to bob"});
  CHECK(contents(value_of(store->claim_undelivered(alice, 10))) ==
        std::vector<std::string>{"to alice", "also to alice"});
  CHECK(value_of(store->claim_undelivered(carol, 10)).empty());
}

TEST_CASE_FIXTURE(store_fixture, "a claim for an unknown user finds nothing") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  send(alice, bob, "hi");
  CHECK(value_of(store->claim_undelivered(bob + 100, 10)).empty());
  CHECK(value_of(store->claim_undelivered(bob, 10)).size() == 1);
}

TEST_CASE_FIXTURE(store_fixture,
                  "messages at or below the watermark are not claimed") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  auto third = send(alice, bob, "three");
  CHECK_FALSE(store->mark_delivered({{bob, second.id}}));
  CHECK(ids_of(value_of(store->claim_undelivered(bob, 10))) ==
        std::vector<message_id>{third.id});
}

TEST_CASE_FIXTURE(store_fixture,
                  "a watermark never moves back, and marks of unknown users "
                  "change nothing") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first = send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  auto third = send(alice, bob, "three");
  CHECK_FALSE(store->mark_delivered({}));
  CHECK_FALSE(store->mark_delivered({{bob, second.id}}));
  CHECK_FALSE(store->mark_delivered({{bob, first.id}, {bob + 1000, third.id}}));
  CHECK(ids_of(value_of(store->claim_undelivered(bob, 10))) ==
        std::vector<message_id>{third.id});
}

TEST_CASE_FIXTURE(store_fixture,
                  "marks of many users in one call: each keeps its highest") {
  auto alice = add_user("alice");
  std::vector<user_id> users;
  std::vector<persistence::delivery_mark> marks;
  std::vector<chat_message> last;
  for (int i = 0; i < 30; ++i) {
    auto user = add_user("user" + std::to_string(i));
    auto first = send(alice, user, "first");
    auto second = send(alice, user, "second");
    last.push_back(send(alice, user, "third"));
    users.push_back(user);
    // Out of order and repeated on purpose: the highest mark wins.
    marks.push_back({user, second.id});
    marks.push_back({user, first.id});
  }
  CHECK_FALSE(store->mark_delivered(marks));
  for (std::size_t i = 0; i < users.size(); ++i)
    CHECK(value_of(store->claim_undelivered(users[i], 10)) ==
          std::vector<chat_message>{last[i]});
}

TEST_CASE_FIXTURE(store_fixture, "delivered messages stay in the history") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto message = send(alice, bob, "kept");
  CHECK(value_of(store->claim_undelivered(bob, 10)).size() == 1);
  CHECK(value_of(store->messages_after(bob, 0, 10)) ==
        std::vector<chat_message>{message});
}

TEST_CASE_FIXTURE(store_fixture,
                  "recipients with undelivered messages are listed until "
                  "their messages are claimed or marked") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto carol = add_user("carol");
  CHECK(value_of(store->recipients_with_undelivered()).empty());
  send(alice, bob, "to bob");
  auto to_carol = send(alice, carol, "to carol");
  auto listed = value_of(store->recipients_with_undelivered());
  std::sort(listed.begin(), listed.end());
  CHECK(listed ==
        std::vector<user_id>{std::min(bob, carol), std::max(bob, carol)});
  value_of(store->claim_undelivered(bob, 10));
  CHECK(value_of(store->recipients_with_undelivered()) ==
        std::vector<user_id>{carol});
  CHECK_FALSE(store->mark_delivered({{carol, to_carol.id}}));
  CHECK(value_of(store->recipients_with_undelivered()).empty());
}

TEST_CASE_FIXTURE(store_fixture,
                  "one commit stores messages, raises watermarks and applies "
                  "presence, also for the same user") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first = send(alice, bob, "one");
  auto second = send(alice, bob, "two");
  persistence::write_batch batch;
  batch.messages = {draft(alice, bob, "three"), draft(bob, alice, "four")};
  batch.delivered = {{bob, second.id}, {bob, first.id}};
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
  CHECK(contents(value_of(store->claim_undelivered(bob, 10))) ==
        std::vector<std::string>{"three"});
  CHECK(contents(value_of(store->claim_undelivered(alice, 10))) ==
        std::vector<std::string>{"four"});
}

} // namespace parley::testing
