// What counts as delivered: a device's cursor moves only on what its client
// confirmed (acks on ?acks=1 connections, write completions otherwise),
// never on a frame only handed to a session, and never past messages a
// stream did not carry. Each case reproduces a window in which a message
// used to be lost (issue 7) and shows the next connection gets it.
#include <algorithm>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "tests/actors/actor_fixture.hpp"
#include "tests/actors/chat_helpers.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

std::string ack(message_id up_to) {
  return R"({"type":"ack","up_to_id":)" + std::to_string(up_to) + "}";
}

/// The ids of the next `count` incoming_message frames of a session.
std::vector<message_id> incoming(test_session& session, std::size_t count) {
  std::vector<message_id> ids;
  while (ids.size() < count) {
    auto frame = session.next();
    REQUIRE(test_session::type_of(frame) == "incoming_message");
    ids.push_back(id_of(frame));
  }
  return ids;
}

stream_options device(std::string name, bool acks,
                      message_id since = no_resume) {
  return stream_options{since, std::move(name), acks};
}

void close(test_session& session) {
  caf::anon_send(session.actor, closed_atom::value);
}

/// Alice wrote to Bob: one message reached his socket (his cursor moved),
/// then his connection stopped writing and was handed two more.
struct writes_stopped {
  user_record alice;
  user_record bob;
  std::unique_ptr<test_session> a1;
  std::unique_ptr<test_session> b1;
  std::vector<message_id> unwritten;
};

writes_stopped handed_after_writes_stopped(actor_fixture& node) {
  writes_stopped s;
  s.alice = node.make_user("alice");
  s.bob = node.make_user("bob");
  s.a1 = node.open(s.alice);
  s.b1 = node.open(s.bob);
  auto written = send_all(*s.a1, s.bob.id, 1);
  CHECK(incoming(*s.b1, 1) == written);
  node.await_cursor(s.bob, "", written[0]);
  s.b1->connection->stop_writing();
  s.unwritten = send_all(*s.a1, s.bob.id, 2);
  CHECK(incoming(*s.b1, 2) == s.unwritten);
  return s;
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "an offline push handed to a connection that never wrote "
                  "it is pushed again on the next connection") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto sent = send_all(*a1, bob.id, 3);
  auto b1 = std::make_unique<test_session>(sys);
  b1->connection = std::make_shared<recording_connection>(
      caf::actor_cast<caf::actor>(b1->inbox));
  b1->connection->stop_writing(); // the socket is gone before any write
  auto config = config_for(bob);
  config.connection = b1->connection;
  b1->actor = spawn_session(sys, std::move(config));
  b1->connection->attach(b1->actor);
  CHECK(incoming(*b1, 3) == sent); // handed over, never written
  close(*b1);
  auto b2 = open(bob);
  CHECK(incoming(*b2, 3) == sent);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "live messages handed to a closing connection are pushed "
                  "again on the next connection") {
  // Peer FIN, 1008 or a write error.
  auto s = handed_after_writes_stopped(*this);
  close(*s.b1);
  auto b2 = open(s.bob);
  CHECK(incoming(*b2, 2) == s.unwritten);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "frames a shutdown dropped from a connection's queue are "
                  "pushed again after the restart") {
  // Shutdown closes every connection with 1001: what they still queued
  // is never written.
  auto s = handed_after_writes_stopped(*this);
  close(*s.a1);
  close(*s.b1);
  // Then the user actors hand on their last confirmations and the writer
  // commits for the last time.
  restart_node();
  auto b2 = open(s.bob);
  CHECK(incoming(*b2, 2) == s.unwritten);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "on an acking connection only acks move the device's "
                  "cursor") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto sent = send_all(*a1, bob.id, 3);
  auto phone = open(bob, device("phone", true));
  CHECK(incoming(*phone, 3) == sent); // written, but not acked
  close(*phone);
  auto again = open(bob, device("phone", true));
  CHECK(incoming(*again, 3) == sent);
  again->send(ack(sent[1]));
  await_cursor(bob, "phone", sent[1]);
  close(*again);
  auto third = open(bob, device("phone", true));
  CHECK(incoming(*third, 1) == std::vector<message_id>{sent[2]});
}

TEST_CASE_FIXTURE(actor_fixture,
                  "an ack cannot confirm more than the connection was "
                  "handed") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto phone = open(bob, device("phone", true));
  auto first = send_all(*a1, bob.id, 1);
  CHECK(incoming(*phone, 1) == first);
  phone->send(ack(first[0] + 1000));
  await_cursor(bob, "phone", first[0]);
  close(*phone);
  auto later = send_all(*a1, bob.id, 1);
  auto again = open(bob, device("phone", true));
  CHECK(incoming(*again, 1) == later);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "an ack on a connection without ?acks=1 is refused") {
  auto bob = make_user("bob");
  auto b1 = open(bob);
  b1->send(ack(1));
  auto error = b1->next();
  CHECK(test_session::type_of(error) == "error");
  CHECK(std::string{error["code"].GetString()} == "invalid_ack");
}

TEST_CASE_FIXTURE(actor_fixture,
                  "one device's acks do not move another device's cursor") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  await_cursor(bob, "laptop", 0); // the laptop has been seen before
  auto sent = send_all(*a1, bob.id, 2);
  auto phone = open(bob, device("phone", true));
  CHECK(incoming(*phone, 2) == sent);
  phone->send(ack(sent[1]));
  await_cursor(bob, "phone", sent[1]);
  auto laptop = open(bob, device("laptop", false));
  CHECK(incoming(*laptop, 2) == sent);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a device seen for the first time starts where the user's "
                  "least advanced device stands") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto sent = send_all(*a1, bob.id, 2);
  auto phone = open(bob, device("phone", true));
  CHECK(incoming(*phone, 2) == sent);
  phone->send(ack(sent[0]));
  await_cursor(bob, "phone", sent[0]);
  auto tablet = open(bob, device("tablet", false));
  CHECK(incoming(*tablet, 1) == std::vector<message_id>{sent[1]});
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a resume past messages a device never got does not skip "
                  "them for the device's next plain connection") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto missed = send_all(*a1, bob.id, 2);
  // Another client of the default device resumes past both and goes live.
  auto resumed = open(bob, missed.back());
  CHECK(test_session::type_of(resumed->next()) == "sync_complete");
  auto live = send_all(*a1, bob.id, 1);
  CHECK(incoming(*resumed, 1) == live);
  close(*resumed);
  auto plain = open(bob);
  auto all = missed;
  all.push_back(live[0]);
  CHECK(incoming(*plain, 3) == all);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a named acking device that resumes with since acks what "
                  "the cursor says") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto sent = send_all(*a1, bob.id, 2);
  auto phone = open(bob, device("phone", true, sent[0]));
  CHECK(incoming(*phone, 1) == std::vector<message_id>{sent[1]});
  await_cursor(bob, "phone", sent[0]);
}

namespace {

/// Stands for a registry that answers a join only after the session gave
/// up waiting: it forwards the join to the real registry once the session
/// is gone, and tells `observer` (done_atom) when that join was answered.
registry_actor::behavior_type late_registry(registry_actor::pointer self,
                                            registry_actor real,
                                            caf::actor observer) {
  return {
      [=](join_atom, user_id user, const std::string& name,
          session_actor& session,
          stream_options& stream) -> caf::result<user_actor> {
        self->monitor(session);
        auto promise = self->make_response_promise<user_actor>();
        self->set_down_handler([=](caf::down_msg&) {
          self->request(real, event_timeout, join_atom::value, user, name,
                        session, stream)
              .then(
                  [=](user_actor& joined) {
                    auto answer = promise;
                    answer.deliver(joined);
                    caf::anon_send(observer, done_atom::value);
                  },
                  [=](caf::error& err) {
                    auto answer = promise;
                    answer.deliver(err);
                  });
        });
        return promise;
      },
      [=](idle_atom, user_id user, std::uint64_t seen) {
        self->send(real, idle_atom::value, user, seen);
      },
      [=](route_atom, const chat_message& msg, const session_actor& origin) {
        self->send(real, route_atom::value, msg, origin);
      },
      [=](receipt_atom, const std::vector<receipt>& receipts) {
        self->send(real, receipt_atom::value, receipts);
      },
      [=](remote_atom, const chat_message& msg) {
        self->send(real, remote_atom::value, msg);
      },
      [=](remote_atom, const std::vector<receipt>& receipts) {
        self->send(real, remote_atom::value, receipts);
      },
      [=](resync_atom) { self->send(real, resync_atom::value); },
      [=](watch_atom, user_id user, const std::vector<user_id>& peers) {
        return self->delegate(real, watch_atom::value, user, peers);
      },
      [=](presence_atom, user_id user, bool elsewhere) {
        self->send(real, presence_atom::value, user, elsewhere);
      },
      [=](typing_atom, const typing_notice& notice) {
        self->send(real, typing_atom::value, notice);
      },
      [=](remote_atom, const typing_notice& notice) {
        self->send(real, remote_atom::value, notice);
      },
      [=](describe_atom, user_id user) {
        return self->delegate(real, describe_atom::value, user);
      },
      [=](kick_atom, user_id user) {
        return self->delegate(real, kick_atom::value, user);
      },
      [=](drain_atom) { return self->delegate(real, drain_atom::value); },
  };
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "a join that times out while the registry attaches the "
                  "session later loses nothing") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto sent = send_all(*a1, bob.id, 2);
  caf::scoped_actor observer{sys};
  auto late = sys.spawn(late_registry, actors.registry,
                        caf::actor_cast<caf::actor>(observer));
  auto config = config_for(bob);
  config.registry = late;
  config.join_timeout = std::chrono::milliseconds(50);
  auto b1 = open(std::move(config));
  b1->inbox->receive([](closed_atom, std::uint16_t) {},
                     [](deliver_atom, const std::string& text) {
                       FAIL("a frame before the join: ", text);
                     },
                     caf::after(event_timeout) >>
                         [] { FAIL("the session did not give up"); });
  // The real registry now attaches the dead session and its user actor
  // pushes to it; the next connection must still get everything.
  observer->receive([](done_atom) {},
                    caf::after(event_timeout) >>
                        [] { FAIL("the late join was not answered"); });
  drain();
  auto b2 = open(bob);
  CHECK(incoming(*b2, 2) == sent);
  caf::anon_send_exit(late, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "each session of the sender sees message ids in ascending "
                  "order, message_sent included") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open(alice);
  auto a2 = open(alice);
  constexpr int per_session = 200;
  for (int i = 0; i < per_session; ++i) {
    a1->send(private_message(bob.id, "one " + std::to_string(i)));
    a2->send(private_message(bob.id, "two " + std::to_string(i)));
  }
  for (auto* session : {a1.get(), a2.get()}) {
    message_id previous = 0;
    std::set<message_id> seen;
    while (seen.size() < 2 * per_session) {
      auto frame = session->next();
      auto type = test_session::type_of(frame);
      REQUIRE((type == "message_sent" || type == "outgoing_message"));
      auto id = id_of(frame);
      CHECK(id > previous);
      previous = id;
      seen.insert(id);
    }
  }
}
