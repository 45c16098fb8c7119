// The session actor's store deadline: a store the writer does not answer in
// time ends in an "unavailable" error frame, never in silence.
#include <memory>
#include <string>
#include <vector>

#include "proto/error_code.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

/// Short enough to keep the test fast, long enough for a loaded machine to
/// answer the store that must not time out.
constexpr auto test_store_timeout = std::chrono::milliseconds(300);

using held_stores = std::vector<caf::typed_response_promise<chat_message>>;

/// A writer that accepts stores and answers them only when told to (on a
/// drain), standing for a database that hangs.
writer_actor::behavior_type stuck_writer(writer_actor::pointer self,
                                         std::shared_ptr<held_stores> held) {
  return {
      [=](store_atom, chat_message&,
          session_actor&) -> caf::result<chat_message> {
        auto promise = self->make_response_promise<chat_message>();
        held->push_back(promise);
        return promise;
      },
      [](create_atom, const std::string&,
         const std::string&) -> caf::result<user_record> {
        return make_error(error_code::internal);
      },
      [](claim_atom, user_id) { return std::vector<chat_message>{}; },
      [](delivered_atom, user_id, message_id) {},
      [](presence_atom, user_id, bool) {},
      [](registry_actor&) {},
      [=](drain_atom) {
        // Late answers: the session must drop them.
        for (auto& promise : *held)
          promise.deliver(chat_message{});
        held->clear();
        return true;
      },
      [](flush_atom) {},
      [](marks_atom) {},
  };
}

std::string private_message(user_id to, const std::string& client_msg_id) {
  return R"({"type":"private_message","recipient_id":)" + std::to_string(to) +
         R"(,"content":"hello","client_msg_id":")" + client_msg_id + "\"}";
}

std::string string_member(const rapidjson::Document& doc, const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString()
                                                     : std::string{};
}

/// A session whose stores go to `writer`, with the short deadline.
std::unique_ptr<test_session> open_with_writer(actor_fixture& fx,
                                               const user_record& user,
                                               writer_actor writer) {
  auto config = fx.config_for(user);
  config.writer = std::move(writer);
  config.store_timeout = test_store_timeout;
  return fx.open(std::move(config));
}

/// No frame arrives for a while (three store deadlines).
void expect_silence(test_session& session) {
  session.inbox->receive(
      [](deliver_atom, const std::string& text) {
        FAIL("unexpected frame ", text);
      },
      [](closed_atom, std::uint16_t code) { FAIL("closed with ", code); },
      caf::after(test_store_timeout * 3) >> [] {});
}

} // namespace

TEST_CASE_FIXTURE(actor_fixture,
                  "stores the writer does not answer end in unavailable, in "
                  "order, each with its client_msg_id") {
  auto held = std::make_shared<held_stores>();
  auto writer = sys.spawn(stuck_writer, held);
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open_with_writer(*this, alice, writer);
  a1->send(private_message(bob.id, "m-1"));
  a1->send(private_message(bob.id, "m-2"));
  for (auto* id : {"m-1", "m-2"}) {
    auto frame = a1->next();
    CHECK(test_session::type_of(frame) == "error");
    CHECK(string_member(frame, "code") == "unavailable");
    CHECK(string_member(frame, "client_msg_id") == id);
  }
  CHECK(a1->connection->frames_done_ == 2);
  caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a writer's answer after the deadline sends no "
                  "message_sent") {
  auto held = std::make_shared<held_stores>();
  auto writer = sys.spawn(stuck_writer, held);
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open_with_writer(*this, alice, writer);
  a1->send(private_message(bob.id, "late"));
  CHECK(string_member(a1->next(), "code") == "unavailable");
  caf::scoped_actor self{sys};
  self->request(writer, event_timeout, drain_atom::value)
      .receive([](bool) {}, [](caf::error&) { FAIL("drain failed"); });
  expect_silence(*a1);
  CHECK(a1->connection->frames_done_ == 1);
  caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(actor_fixture,
                  "a store answered in time gets message_sent and no later "
                  "error") {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  auto a1 = open_with_writer(*this, alice, actors.writer);
  a1->send(private_message(bob.id, "on-time"));
  auto ack = a1->next();
  CHECK(test_session::type_of(ack) == "message_sent");
  CHECK(string_member(ack, "client_msg_id") == "on-time");
  expect_silence(*a1);
  CHECK(a1->connection->frames_done_ == 1);
}
