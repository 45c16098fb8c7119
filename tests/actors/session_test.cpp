// Store deadlines: a store whose deadline passes before the writer gets to
// it is not stored and ends in an "unavailable" error frame, never in
// silence; "unavailable" always means "not stored", so a resend without a
// client_msg_id cannot store a message twice.
#include <memory>
#include <string>
#include <vector>

#include "proto/error_code.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

/// Long enough that a store answered in time is not failed on a loaded
/// machine; silence is awaited for this long.
constexpr auto quiet_period = std::chrono::milliseconds(300);

std::string private_message(user_id to, const std::string& client_msg_id) {
  return R"({"type":"private_message","recipient_id":)" + std::to_string(to) +
         R"(,"content":"hello","client_msg_id":")" + client_msg_id + "\"}";
}

std::string string_member(const rapidjson::Document& doc, const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString()
                                                     : std::string{};
}

/// A session whose stores reach the writer with `timeout` to spare.
std::unique_ptr<test_session>
open_with_timeout(actor_fixture& fx, const user_record& user,
                  std::chrono::milliseconds timeout) {
  auto config = fx.config_for(user);
  config.store_timeout = timeout;
  return fx.open(std::move(config));
}

/// Every message to or from `user`, as stored.
std::vector<chat_message> value_of_messages(persistence::store& db,
                                            user_id user) {
  auto found = db.messages_after(user, 0, 100);
  REQUIRE(found);
  return *found;
}

/// The session calls frame_done right after it sent the answer frame, on
/// its own thread: wait for the count rather than race it.
void await_frames_done(test_session& session, int expected) {
  auto deadline = std::chrono::steady_clock::now() + event_timeout;
  while (session.connection->frames_done_ < expected &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(session.connection->frames_done_ == expected);
}

/// No frame arrives for a while (three store deadlines).
void expect_silence(test_session& session) {
  session.inbox->receive(
      [](deliver_atom, const std::string& text) {
        FAIL("unexpected frame ", text);
      },
      [](closed_atom, std::uint16_t code) { FAIL("closed with ", code); },
      caf::after(quiet_period) >> [] {});
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "stores whose deadline passed before the writer's turn are "
                  "not stored and end in unavailable, each with its "
                  "client_msg_id") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  // A deadline in the past stands for a writer that fell that far behind.
  auto a1 = open_with_timeout(*this, alice, std::chrono::milliseconds(-1000));
  auto b1 = open(bob);
  a1->send(private_message(bob.id, "m-1"));
  a1->send(private_message(bob.id, "m-2"));
  for (auto* id : {"m-1", "m-2"}) {
    auto frame = a1->next();
    CHECK(test_session::type_of(frame) == "error");
    CHECK(string_member(frame, "code") == "unavailable");
    CHECK(string_member(frame, "client_msg_id") == id);
  }
  await_frames_done(*a1, 2);
  drain();
  CHECK(value_of_messages(*check_db, bob.id).empty());
  expect_silence(*b1);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a store answered in time gets message_sent and no later "
                  "error") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open_with_timeout(*this, alice, std::chrono::seconds(30));
  a1->send(private_message(bob.id, "on-time"));
  auto ack = a1->next();
  CHECK(test_session::type_of(ack) == "message_sent");
  CHECK(string_member(ack, "client_msg_id") == "on-time");
  expect_silence(*a1);
  await_frames_done(*a1, 1);
}
