// The writer when the database fails: a commit whose outcome is unknown is
// written again under its commit marker once the database is back (nothing
// stored twice, everything committed routed), and during an outage new stores
// are refused at once while one loop probes the database. The database is real;
// a store in front of the writer's stands for the network between them.
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/error_code.hpp"
#include "tests/actors/actor_fixture.hpp"
#include "tests/actors/chat_helpers.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

/// Forwards to a real store. `lose_next_answer`: the next commit with
/// messages reaches the database, but its answer is lost, as when the
/// connection breaks after the server committed. `down`: commits and
/// probes fail, as when the database cannot be reached.
class flaky_store : public persistence::store {
public:
  explicit flaky_store(std::shared_ptr<persistence::store> real)
      : real_(std::move(real)) {}

  std::atomic<bool> lose_next_answer{false};
  std::atomic<bool> down{false};
  std::atomic<int> probes{0};

  caf::error probe() override {
    ++probes;
    if (down) return lost();
    return real_->probe();
  }
  caf::expected<std::vector<persistence::insert_outcome>>
  commit(const persistence::write_batch& batch) override {
    if (down) return lost();
    auto outcomes = real_->commit(batch);
    if (!batch.messages.empty() && lose_next_answer.exchange(false))
      return lost();
    return outcomes;
  }
  caf::expected<user_record> create_user(const std::string& name,
                                         const std::string& hash) override {
    return real_->create_user(name, hash);
  }
  caf::expected<std::optional<account>>
  find_account(const std::string& name) override {
    return real_->find_account(name);
  }
  caf::expected<bool> user_exists(user_id id) override {
    return real_->user_exists(id);
  }
  caf::error
  set_presence(const std::vector<persistence::presence_change>& x) override {
    return real_->set_presence(x);
  }
  caf::expected<std::vector<persistence::insert_outcome>>
  insert_messages(const std::vector<chat_message>& batch) override {
    return commit(persistence::write_batch{batch, {}, {}, {}, {}});
  }
  caf::error
  mark_delivered(const std::vector<persistence::delivery_mark>& x) override {
    return real_->mark_delivered(x);
  }
  caf::expected<message_id> open_device(user_id user,
                                        const std::string& device) override {
    return real_->open_device(user, device);
  }
  caf::expected<std::vector<chat_message>>
  messages_to(user_id user, message_id after, std::size_t limit) override {
    return real_->messages_to(user, after, limit);
  }
  caf::expected<std::vector<user_id>> users_with_undelivered() override {
    return real_->users_with_undelivered();
  }
  caf::expected<std::int64_t> undelivered_count(user_id user) override {
    return real_->undelivered_count(user);
  }
  caf::expected<std::vector<receipt>> receipts_for(user_id sender,
                                                   std::size_t limit) override {
    return real_->receipts_for(sender, limit);
  }
  caf::expected<std::vector<conversation_summary>>
  conversations(user_id user, std::optional<message_id> before,
                std::size_t limit) override {
    return real_->conversations(user, before, limit);
  }
  caf::expected<std::vector<chat_message>>
  messages_after(user_id user, message_id after, std::size_t limit) override {
    return real_->messages_after(user, after, limit);
  }
  caf::expected<message_id> last_message_of(user_id user) override {
    return real_->last_message_of(user);
  }
  caf::expected<std::vector<chat_message>>
  conversation(user_id a, user_id b, std::optional<message_id> before,
               std::size_t limit) override {
    return real_->conversation(a, b, before, limit);
  }
  caf::expected<std::vector<user_id>>
  conversation_peers(user_id user, std::size_t limit) override {
    return real_->conversation_peers(user, limit);
  }
  caf::expected<std::vector<user_record>>
  users_by_prefix(const std::string& prefix, user_id exclude,
                  std::size_t limit) override {
    return real_->users_by_prefix(prefix, exclude, limit);
  }

private:
  static caf::error lost() {
    return make_error(error_code::unavailable,
                      "lost the connection to the test database");
  }

  std::shared_ptr<persistence::store> real_;
};

/// Holds the flaky store; a base of outage_fixture listed before
/// actor_fixture, so that it exists when actor_fixture's constructor
/// creates the store (a member would be initialized only afterwards).
struct flaky_holder {
  std::shared_ptr<flaky_store> flaky;
};

/// The node's actors with a flaky store in front of the writer's.
struct outage_fixture : flaky_holder, actor_fixture {
  outage_fixture()
      : actor_fixture([this](std::shared_ptr<persistence::store> real) {
        flaky = std::make_shared<flaky_store>(std::move(real));
        return flaky;
      }) {}
};

std::vector<chat_message> stored_between(persistence::store& db, user_id a,
                                         user_id b) {
  auto rows = db.conversation(a, b, std::nullopt, 100);
  REQUIRE(rows);
  return *rows;
}

/// Sends "ready" and waits for its message_sent.
void send_and_ack(test_session& from, user_id to) {
  from.send(private_message(to, "ready"));
  REQUIRE(test_session::type_of(from.next()) == "message_sent");
}

/// No frame arrives within a short while.
void expect_silence(test_session& session) {
  session.inbox->receive(
      [](deliver_atom, const std::string& text) {
        FAIL("unexpected frame ", text);
      },
      [](closed_atom, std::uint16_t code) { FAIL("closed with ", code); },
      caf::after(std::chrono::milliseconds(300)) >> [] {});
}

} // namespace

TEST_CASE_FIXTURE(outage_fixture,
                  "a batch committed before its answer was lost is routed "
                  "once and stored once, with and without client_msg_id") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b1 = open(bob);
  flaky->lose_next_answer = true;
  a1->send(private_message(bob.id, "keyed", "k-1"));
  a1->send(private_message(bob.id, "unkeyed"));
  std::set<std::string> acked_keys;
  std::set<message_id> acked;
  for (int i = 0; i < 2; ++i) {
    auto sent = a1->next();
    REQUIRE(test_session::type_of(sent) == "message_sent");
    acked.insert(sent["id"].GetInt64());
    acked_keys.insert(string_member(sent, "client_msg_id"));
  }
  CHECK(acked_keys == std::set<std::string>{"k-1", ""});
  std::set<message_id> received;
  for (int i = 0; i < 2; ++i)
    received.insert(b1->next()["id"].GetInt64());
  CHECK(received == acked);
  expect_silence(*b1);
  drain();
  CHECK(stored_between(*check_db, alice.id, bob.id).size() == 2);
}

TEST_CASE_FIXTURE(outage_fixture,
                  "during an outage new stores are refused at once, the "
                  "batch in doubt waits, and both directions work after") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b1 = open(bob);
  send_and_ack(*a1, bob.id); // both attached, presence committed
  CHECK(string_member(b1->next(), "content") == "ready");
  drain();
  flaky->down = true;
  a1->send(private_message(bob.id, "in doubt", "d-1"));
  // The probe loop runs once the first commit failed.
  auto deadline = std::chrono::steady_clock::now() + event_timeout;
  while (flaky->probes == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  REQUIRE(flaky->probes > 0);
  a1->send(private_message(bob.id, "refused", "r-1"));
  auto refused = a1->next();
  CHECK(test_session::type_of(refused) == "error");
  CHECK(string_member(refused, "code") == "unavailable");
  CHECK(string_member(refused, "client_msg_id") == "r-1");
  flaky->down = false;
  auto sent = a1->next();
  CHECK(test_session::type_of(sent) == "message_sent");
  CHECK(string_member(sent, "client_msg_id") == "d-1");
  CHECK(string_member(b1->next(), "content") == "in doubt");
  a1->send(private_message(bob.id, "after", "a-1"));
  CHECK(string_member(a1->next(), "client_msg_id") == "a-1");
  CHECK(string_member(b1->next(), "content") == "after");
  drain();
  CHECK(stored_between(*check_db, alice.id, bob.id).size() == 3);
}
