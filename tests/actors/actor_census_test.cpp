// The actor census (actors/actor_census.hpp): a stray message is logged,
// counted and survived, the hashing actors never log a message's content,
// an abnormal end of a watched actor is counted, and live actors are
// counted by kind.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace parley;
using namespace parley::testing;

namespace {

metrics::counter& unexpected(metrics::actor_kind kind) {
  return metrics::node().unexpected_messages[static_cast<std::size_t>(kind)];
}

metrics::counter& abnormal_exits(metrics::actor_kind kind) {
  return metrics::node().abnormal_exits[static_cast<std::size_t>(kind)];
}

metrics::gauge& alive(metrics::actor_kind kind) {
  return metrics::node().actors[static_cast<std::size_t>(kind)];
}

/// Waits until `holds` is true, at most event_timeout: the instruments move
/// on the actors' threads.
bool eventually(const std::function<bool()>& holds) {
  auto deadline = std::chrono::steady_clock::now() + event_timeout;
  while (!holds()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

/// Whether the registry still answers (a drain is answered at once when no
/// user is online).
bool registry_answers(actor_fixture& f) {
  caf::scoped_actor self{f.sys};
  bool answered = false;
  self->request(f.actors.registry, event_timeout, drain_atom::value)
      .receive([&](bool) { answered = true; }, [](caf::error&) {});
  return answered;
}

} // namespace

TEST_CASE("a stray message to the registry is counted and the registry "
          "lives on") {
  actor_fixture f;
  auto& counted = unexpected(metrics::actor_kind::registry);
  auto before = counted.value();
  caf::scoped_actor self{f.sys};
  auto registry = caf::actor_cast<caf::actor>(f.actors.registry);
  self->send(registry, std::string{"a stray message"});
  // A stray request is refused; it comes after the send, so both are in.
  caf::error refused;
  self->request(registry, event_timeout, std::string{"a stray request"})
      .receive([](const std::string&) { FAIL("a stray request answered"); },
               [&](caf::error& err) { refused = err; });
  CHECK(refused == caf::sec::unexpected_message);
  CHECK(counted.value() == before + 2);
  CHECK(registry_answers(f));
  // Sessions still join through it: a sync is answered once joined.
  auto alice = f.make_user("alice");
  auto session = f.open(alice);
  session->send(R"({"type":"sync","after_id":0})");
  CHECK(test_session::type_of(session->next()) == "sync_complete");
}

TEST_CASE("a stray message to the hashing pool is counted, and its log "
          "line shows types, not passwords") {
  actor_fixture f;
  auto& counted = unexpected(metrics::actor_kind::hashing);
  auto before = counted.value();
  caf::scoped_actor self{f.sys};
  // What a password would look like in a message the pool does not take.
  self->request(caf::actor_cast<caf::actor>(f.actors.hasher), event_timeout,
                hash_atom::value, std::string{"hunter2-ish"},
                std::string{"extra"})
      .receive(
          [](const std::string&) { FAIL("a stray request answered"); },
          [](caf::error& err) { CHECK(err == caf::sec::unexpected_message); });
  CHECK(counted.value() == before + 1);
  auto stray = caf::make_message(hash_atom::value, std::string{"hunter2-ish"},
                                 std::string{"extra"});
  auto line = unexpected_message_line(f.sys, metrics::actor_kind::hashing,
                                      stray.content(), nullptr);
  CAPTURE(line);
  CHECK(line.find("hunter2") == std::string::npos);
  CHECK(line.find("hash") != std::string::npos);
  CHECK(line.find("hashing actor") != std::string::npos);
  // The pool still hashes.
  std::string hash;
  self->request(f.actors.hasher, event_timeout, hash_atom::value,
                std::string{"a password"})
      .receive([&](std::string& x) { hash = x; },
               [](caf::error& err) { FAIL(to_string(err)); });
  CHECK(hash.rfind("$argon2id$", 0) == 0);
}

TEST_CASE("the log line of other actors shows the content and the sender") {
  actor_fixture f;
  caf::scoped_actor self{f.sys};
  auto stray = caf::make_message(std::string{"what is this"}, 42);
  auto line =
      unexpected_message_line(f.sys, metrics::actor_kind::user, stray.content(),
                              caf::actor_cast<caf::strong_actor_ptr>(self));
  CAPTURE(line);
  CHECK(line.find("user actor") != std::string::npos);
  CHECK(line.find("what is this") != std::string::npos);
  CHECK(line.find("42") != std::string::npos);
  CHECK(line.find(caf::to_string(self->address())) != std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
  auto anonymous = unexpected_message_line(f.sys, metrics::actor_kind::user,
                                           stray.content(), nullptr);
  CHECK(anonymous.find("anonymous") != std::string::npos);
}

TEST_CASE("only reasons other than normal and shutdown count as abnormal") {
  CHECK_FALSE(is_abnormal(caf::error{}));
  CHECK_FALSE(is_abnormal(caf::exit_reason::normal));
  CHECK_FALSE(is_abnormal(caf::exit_reason::user_shutdown));
  CHECK(is_abnormal(caf::exit_reason::kill));
  CHECK(is_abnormal(caf::exit_reason::remote_link_unreachable));
  CHECK(is_abnormal(caf::exit_reason::unknown));
  CHECK(is_abnormal(make_error(error_code::unavailable)));
}

TEST_CASE("sessions and user actors are counted while they live, and a "
          "session killed under its user actor counts as an abnormal exit") {
  actor_fixture f;
  using metrics::actor_kind;
  auto sessions = alive(actor_kind::session).value();
  auto users = alive(actor_kind::user).value();
  auto abnormal = abnormal_exits(actor_kind::user).value();
  // Each counts itself once it has started, on its own thread.
  CHECK(eventually([&] {
    return alive(actor_kind::registry).value() == 1 &&
           alive(actor_kind::writer).value() == 1 &&
           alive(actor_kind::reader).value() == 1 &&
           alive(actor_kind::hashing).value() == 2; // the pool, one worker
  }));
  auto alice = f.make_user("alice");
  auto first = f.open(alice);
  auto second = f.open(alice);
  CHECK(eventually([&] {
    return alive(actor_kind::session).value() == sessions + 2 &&
           alive(actor_kind::user).value() == users + 1;
  }));
  // A session that ends the ordinary way (its socket closed) is no news.
  caf::anon_send(first->actor, closed_atom::value);
  CHECK(eventually(
      [&] { return alive(actor_kind::session).value() == sessions + 1; }));
  caf::anon_send_exit(second->actor, caf::exit_reason::kill);
  CHECK(eventually([&] {
    return abnormal_exits(actor_kind::user).value() == abnormal + 1;
  }));
  // The last session gone, the user actor retires.
  CHECK(eventually([&] {
    return alive(actor_kind::session).value() == sessions &&
           alive(actor_kind::user).value() == users;
  }));
  CHECK(abnormal_exits(actor_kind::user).value() == abnormal + 1);
}
