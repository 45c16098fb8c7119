// Receipts for the sender: delivered when the recipient's client confirms
// (an ack, or a write for clients that do not ack), read when it says so;
// stored, and replayed to a sender that resumes. They go to the sender's
// acking connections (clients that speak the whole protocol).
#include <string>
#include <vector>

#include "tests/actors/actor_fixture.hpp"
#include "tests/actors/chat_helpers.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

/// The next frame of `session`, which must be of `type`.
rapidjson::Document expect(test_session& session, const std::string& type) {
  auto frame = session.next();
  INFO("frame type " << test_session::type_of(frame));
  REQUIRE(test_session::type_of(frame) == type);
  return frame;
}

stream_options acking(std::string device) {
  return stream_options{no_resume, std::move(device), true};
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "one ack of the recipient gives every connection of the "
                  "sender one delivered receipt") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice, acking("laptop"));
  auto a2 = open(alice, acking("tablet"));
  auto plain = open(alice);
  auto phone = open(bob, acking("phone"));
  auto sent = send_all(*a1, bob.id, 3);
  for (int i = 0; i < 3; ++i) {
    expect(*a2, "outgoing_message");
    expect(*plain, "outgoing_message");
    expect(*phone, "incoming_message");
  }
  phone->send(R"({"type":"ack","up_to_id":)" + std::to_string(sent[2]) + "}");
  for (auto* session : {a1.get(), a2.get()}) {
    auto receipt = expect(*session, "delivered");
    CHECK(int_member(receipt, "recipient_id") == bob.id);
    CHECK(int_member(receipt, "up_to_id") == sent[2]);
  }
  // A plain connection of the sender gets no receipts: its next frame is
  // the copy of the next message.
  auto next = send_all(*a1, bob.id, 1);
  auto copy = expect(*plain, "outgoing_message");
  CHECK(int_member(copy, "id") == next[0]);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "one ack over two senders' messages gives each sender one "
                  "receipt, for the newest of theirs") {
  auto alice = make_user("alice");
  auto carol = make_user("carol");
  auto bob = make_user("bob");
  auto a1 = open(alice, acking("laptop"));
  auto c1 = open(carol, acking("laptop"));
  auto phone = open(bob, acking("phone"));
  auto from_alice = send_all(*a1, bob.id, 2);
  auto from_carol = send_all(*c1, bob.id, 2);
  for (int i = 0; i < 4; ++i)
    expect(*phone, "incoming_message");
  phone->send(R"({"type":"ack","up_to_id":)" +
              std::to_string(from_carol.back()) + "}");
  auto to_alice = expect(*a1, "delivered");
  CHECK(int_member(to_alice, "recipient_id") == bob.id);
  CHECK(int_member(to_alice, "up_to_id") == from_alice.back());
  auto to_carol = expect(*c1, "delivered");
  CHECK(int_member(to_carol, "recipient_id") == bob.id);
  CHECK(int_member(to_carol, "up_to_id") == from_carol.back());
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a plain recipient's write completion gives the sender a "
                  "delivered receipt") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice, acking("laptop"));
  auto b1 = open(bob);
  auto sent = send_all(*a1, bob.id, 1);
  expect(*b1, "incoming_message");
  auto receipt = expect(*a1, "delivered");
  CHECK(int_member(receipt, "recipient_id") == bob.id);
  CHECK(int_member(receipt, "up_to_id") == sent[0]);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a read frame tells the sender, and a sender that resumes "
                  "learns the receipts it missed") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice, acking("laptop"));
  auto phone = open(bob, acking("phone"));
  auto sent = send_all(*a1, bob.id, 2);
  expect(*phone, "incoming_message");
  expect(*phone, "incoming_message");
  phone->send(R"({"type":"read","peer_id":)" + std::to_string(alice.id) +
              R"(,"up_to_id":)" + std::to_string(sent[0]) + "}");
  auto read = expect(*a1, "read");
  CHECK(int_member(read, "reader_id") == bob.id);
  CHECK(int_member(read, "up_to_id") == sent[0]);
  caf::anon_send(a1->actor, closed_atom::value);
  // Receipts are stored with the next commit of marks (at most a second
  // later); a resume then replays them.
  auto deadline = std::chrono::steady_clock::now() + event_timeout;
  std::vector<receipt> stored;
  while (std::chrono::steady_clock::now() < deadline) {
    drain();
    auto found = check_db->receipts_for(alice.id, 10);
    REQUIRE(found);
    stored = *found;
    if (stored.size() == 2) break;
    std::this_thread::yield();
  }
  REQUIRE(stored.size() == 2);
  auto again = open(alice, stream_options{sent.back(), "laptop", true});
  expect(*again, "sync_complete");
  auto first = expect(*again, "delivered");
  CHECK(int_member(first, "recipient_id") == bob.id);
  CHECK(int_member(first, "up_to_id") == sent[0]);
  auto second = expect(*again, "read");
  CHECK(int_member(second, "reader_id") == bob.id);
  CHECK(int_member(second, "up_to_id") == sent[0]);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a read beyond what the connection was handed is capped") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice, acking("laptop"));
  auto b1 = open(bob);
  auto sent = send_all(*a1, bob.id, 1);
  expect(*b1, "incoming_message");
  expect(*a1, "delivered");
  b1->send(R"({"type":"read","peer_id":)" + std::to_string(alice.id) +
           R"(,"up_to_id":999999})");
  auto read = expect(*a1, "read");
  CHECK(int_member(read, "up_to_id") == sent[0]);
}
