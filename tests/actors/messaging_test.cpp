// Session, user, registry and writer actors together on a real database:
// delivery, fan-out, idempotency, offline push, resume and presence.
#include <set>
#include <thread>
#include <vector>

#include "tests/actors/actor_fixture.hpp"
#include "tests/actors/chat_helpers.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

/// Sends a message and returns its id from message_sent.
std::int64_t send_and_ack(test_session& from, user_id to,
                          const std::string& content) {
  from.send(private_message(to, content));
  auto ack = from.next();
  REQUIRE(test_session::type_of(ack) == "message_sent");
  return id_of(ack);
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "a message reaches every session of the recipient after "
                  "it is acknowledged to the sender") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b1 = open(bob);
  auto b2 = open(bob);
  a1->send(private_message(bob.id, "Hi Bob!", "c-1"));
  auto ack = a1->next();
  CHECK(test_session::type_of(ack) == "message_sent");
  CHECK(std::string{ack["client_msg_id"].GetString()} == "c-1");
  for (auto* session : {b1.get(), b2.get()}) {
    auto in = session->next();
    CHECK(test_session::type_of(in) == "incoming_message");
    CHECK(id_of(in) == id_of(ack));
    CHECK(std::string{in["sender_username"].GetString()} == "alice");
    CHECK(std::string{in["content"].GetString()} == "Hi Bob!");
  }
}

TEST_CASE_FIXTURE(actor_fixture,
                  "the sender's other sessions get outgoing_message and the "
                  "sending session only message_sent") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto a2 = open(alice);
  auto first = send_and_ack(*a1, bob.id, "one");
  auto copy = a2->next();
  CHECK(test_session::type_of(copy) == "outgoing_message");
  CHECK(id_of(copy) == first);
  CHECK(copy["recipient_id"].GetInt64() == bob.id);
  // Had a1 received a copy of its own message, it would come before this.
  auto second = send_and_ack(*a1, bob.id, "two");
  CHECK(second > first);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a resent client_msg_id is acknowledged with the original "
                  "id and delivered once") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b1 = open(bob);
  a1->send(private_message(bob.id, "once", "k-1"));
  auto first = a1->next();
  a1->send(private_message(bob.id, "once", "k-1"));
  auto again = a1->next();
  CHECK(test_session::type_of(again) == "message_sent");
  CHECK(id_of(again) == id_of(first));
  CHECK(id_of(b1->next()) == id_of(first));
  auto later = send_and_ack(*a1, bob.id, "next");
  CHECK(id_of(b1->next()) == later); // no second copy of "once" before it
  auto rows = check_db->conversation(alice.id, bob.id, std::nullopt, 10);
  REQUIRE(rows);
  CHECK(rows->size() == 2);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "an unknown recipient and an invalid frame get errors and "
                  "the session keeps working") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  a1->send(private_message(bob.id + 1000, "nobody", "x-1"));
  auto err = a1->next();
  CHECK(test_session::type_of(err) == "error");
  CHECK(std::string{err["code"].GetString()} == "unknown_recipient");
  CHECK(std::string{err["client_msg_id"].GetString()} == "x-1");
  a1->send("{not json");
  CHECK(std::string{a1->next()["code"].GetString()} == "invalid_json");
  send_and_ack(*a1, bob.id, "still fine");
  auto rows = check_db->messages_after(alice.id, 0, 10);
  REQUIRE(rows);
  CHECK(rows->size() == 1);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "messages to an offline user are pushed in order on the "
                  "next connection and never again") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  std::vector<std::int64_t> sent;
  for (int i = 0; i < 3; ++i)
    sent.push_back(send_and_ack(*a1, bob.id, "offline " + std::to_string(i)));
  auto b1 = open(bob);
  for (auto id : sent) {
    auto in = b1->next();
    CHECK(test_session::type_of(in) == "incoming_message");
    CHECK(id_of(in) == id);
  }
  // Written to b1's socket: delivered once that is recorded.
  await_cursor(bob, "", sent.back());
  caf::anon_send(b1->actor, closed_atom::value);
  auto b2 = open(bob);
  auto fresh = send_and_ack(*a1, bob.id, "live");
  CHECK(id_of(b2->next()) == fresh); // nothing old was pushed before it
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a session opened with since replays both directions in "
                  "id order, completes, then goes live") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b0 = open(bob);
  auto m1 = send_and_ack(*a1, bob.id, "to bob");
  CHECK(id_of(b0->next()) == m1);
  auto m2 = send_and_ack(*b0, alice.id, "to alice");
  CHECK(id_of(a1->next()) == m2);
  auto b1 = open(bob, 0);
  auto first = b1->next();
  CHECK(test_session::type_of(first) == "incoming_message");
  CHECK(id_of(first) == m1);
  auto second = b1->next();
  CHECK(test_session::type_of(second) == "outgoing_message");
  CHECK(id_of(second) == m2);
  auto done = b1->next();
  CHECK(test_session::type_of(done) == "sync_complete");
  CHECK(done["last_id"].GetInt64() == m2);
  auto m3 = send_and_ack(*a1, bob.id, "live again");
  CHECK(id_of(b1->next()) == m3);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "resume under continuous traffic has no gap and no "
                  "duplicate") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  constexpr int total = 300;
  // Pipelined: the frames are all queued before any ack is read, so the
  // writer commits while Bob's replay runs.
  for (int i = 0; i < total / 2; ++i)
    a1->send(private_message(bob.id, "m" + std::to_string(i)));
  auto b1 = open(bob, 0);
  for (int i = total / 2; i < total; ++i)
    a1->send(private_message(bob.id, "m" + std::to_string(i)));
  std::vector<std::int64_t> acked;
  for (int i = 0; i < total; ++i)
    acked.push_back(id_of(a1->next()));
  std::vector<std::int64_t> seen;
  int completions = 0;
  // sync_complete may come last: the replay can cover every message when
  // all were committed before it ran.
  while (seen.size() < acked.size() || completions == 0) {
    auto frame = b1->next();
    if (test_session::type_of(frame) == "sync_complete")
      ++completions;
    else
      seen.push_back(id_of(frame));
  }
  CHECK(completions == 1);
  CHECK(seen == acked); // every id once, in id (= send) order
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a sync frame replays after the given id on a live "
                  "session") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto b1 = open(bob);
  auto m1 = send_and_ack(*a1, bob.id, "first");
  CHECK(id_of(b1->next()) == m1);
  auto m2 = send_and_ack(*a1, bob.id, "second");
  CHECK(id_of(b1->next()) == m2);
  b1->send(R"({"type":"sync","after_id":)" + std::to_string(m1) + "}");
  CHECK(id_of(b1->next()) == m2);
  auto done = b1->next();
  CHECK(test_session::type_of(done) == "sync_complete");
  CHECK(done["last_id"].GetInt64() == m2);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "presence goes online with the first session and offline "
                  "after the last") {
  auto bob = make_user("bob");
  CHECK(status_of("bob") == "offline");
  auto b1 = open(bob);
  auto b2 = open(bob);
  auto alice = make_user("alice");
  auto a1 = open(alice);
  send_and_ack(*a1, bob.id, "sync point"); // both bob sessions joined
  CHECK(test_session::type_of(b1->next()) == "incoming_message");
  CHECK(status_of("bob") == "online");
  caf::anon_send(b1->actor, closed_atom::value);
  CHECK(test_session::type_of(b2->next()) == "incoming_message");
  caf::anon_send(b2->actor, closed_atom::value);
  // Retirement is asynchronous (session down → user idle → registry):
  // wait for that event by polling the stored state, bounded in time.
  auto deadline = std::chrono::steady_clock::now() + event_timeout;
  while (status_of("bob") != "offline" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(status_of("bob") == "offline");
}
