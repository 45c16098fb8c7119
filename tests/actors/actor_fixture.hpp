// A node's actors on a real database, driven without sockets: sessions get
// a connection that forwards every frame to a scoped actor the test reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "actors/node.hpp"
#include "persistence/store.hpp"
#include "proto/type_ids.hpp"
#include "tests/support/test_database.hpp"

namespace parley::testing {

/// Frames and closes of one session arrive at `inbox` as messages:
/// (deliver_atom, std::string) and (closed_atom, std::uint16_t). Like a
/// connection whose socket takes every frame at once, it reports each frame
/// as written and its queue as drained; after stop_writing() frames still
/// reach the inbox (so a test sees what the session was handed) but are
/// never reported written, like frames a closing connection drops.
class recording_connection : public connection_port {
public:
  explicit recording_connection(caf::actor inbox)
      : inbox_(std::move(inbox)) {}

  void deliver(std::shared_ptr<const std::string> frame,
               message_id id) override {
    caf::anon_send(inbox_, deliver_atom::value, *frame);
    if (!closed_ && id > written_) {
      written_ = id;
      caf::anon_send(session(), written_atom::value, id);
    }
  }

  void notify_when_drained() override {
    caf::anon_send(session(), drained_atom::value);
  }

  void frame_done() override { ++frames_done_; }

  void close(std::uint16_t code, std::string) override {
    caf::anon_send(inbox_, closed_atom::value, code);
  }

  /// The session the reports go to; set right after spawning it.
  void attach(session_actor session) {
    std::lock_guard<std::mutex> guard{mutex_};
    session_ = std::move(session);
  }

  /// From now on no frame counts as written, as on a closing connection.
  void stop_writing() { closed_ = true; }

  std::atomic<int> frames_done_{0};

private:
  session_actor session() {
    std::lock_guard<std::mutex> guard{mutex_};
    return session_;
  }

  caf::actor inbox_;
  std::mutex mutex_; // the test thread sets session_ while frames may flow
  session_actor session_;
  // Written on the session's thread only (deliver runs in its handlers).
  std::atomic<bool> closed_{false};
  message_id written_ = 0;
};

/// How long a test waits for an expected event before failing.
constexpr auto event_timeout = std::chrono::seconds(10);

/// One client session: its actor plus the inbox its frames land in.
struct test_session {
  explicit test_session(caf::actor_system& sys)
      : inbox(sys) {}

  caf::scoped_actor inbox;
  std::shared_ptr<recording_connection> connection;
  session_actor actor;

  /// Sends a text frame as the client would.
  void send(const std::string& text) {
    caf::anon_send(actor, frame_atom::value, text);
  }

  /// The next frame, parsed, presence frames skipped (a peer's coming and
  /// going is not part of the stream these tests read); fails the test
  /// after event_timeout.
  rapidjson::Document next() {
    for (;;) {
      rapidjson::Document doc;
      bool got = false;
      inbox->receive(
          [&](deliver_atom, const std::string& text) {
            doc.Parse(text.c_str(), text.size());
            got = true;
          },
          [&](closed_atom, std::uint16_t code) {
            FAIL("connection closed with ", code);
          },
          caf::after(event_timeout) >>
              [&] { FAIL("no frame arrived in time"); });
      REQUIRE(got);
      REQUIRE(doc.IsObject());
      if (type_of(doc) != "presence") return doc;
    }
  }

  /// The next frame's "type".
  static std::string type_of(const rapidjson::Document& doc) {
    return doc.HasMember("type") && doc["type"].IsString()
               ? doc["type"].GetString()
               : std::string{};
  }
};

/// CAF configuration with Parley's message types.
struct parley_config : caf::actor_system_config {
  parley_config() { add_message_types<caf::id_block::parley>(); }
};

/// Puts something in front of the writer's store (a test's double at the
/// persistence boundary; the database behind it stays real).
using store_wrapper = std::function<std::shared_ptr<persistence::store>(
    std::shared_ptr<persistence::store>)>;

/// A fresh database, an actor system and the node's actors.
struct actor_fixture {
  actor_fixture()
      : actor_fixture(store_wrapper{}) {}

  explicit actor_fixture(const store_wrapper& wrap_writer_store)
      : sys(cfg) {
    check_db = std::move(*persistence::open_store(db.url()));
    start_node(wrap_writer_store);
  }

  ~actor_fixture() { stop_node_actors(sys, actors); }

  /// Stops the node's actors as a shutdown does (the last confirmations,
  /// then the writer's final commit) and starts fresh ones on the same
  /// database, as a restarted node would. Sessions must have ended first.
  void restart_node() {
    stop_node_actors(sys, actors);
    start_node({});
  }

  /// Waits until the writer has committed everything queued so far.
  void drain() {
    caf::scoped_actor self{sys};
    self->request(actors.writer, event_timeout, drain_atom::value)
        .receive(
            [](bool) {},
            [](caf::error& err) { FAIL("drain failed: ", to_string(err)); });
  }

  /// Waits until the stored cursor of a user's device reaches `expected`:
  /// confirmations travel session → user → writer and wait for a commit.
  void await_cursor(const user_record& user, const std::string& device,
                    message_id expected) {
    auto deadline = std::chrono::steady_clock::now() + event_timeout;
    message_id seen = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      drain();
      auto stored = check_db->open_device(user.id, device);
      REQUIRE(stored);
      seen = *stored;
      if (seen == expected) return;
      std::this_thread::yield();
    }
    FAIL("cursor of device '", device, "' stands at ", seen, ", not ",
         expected);
  }

  /// A user's stored presence, after the writer drained.
  std::string status_of(const std::string& name) {
    drain();
    auto found = check_db->find_account(name);
    REQUIRE(found);
    REQUIRE(found->has_value());
    return (*found)->status;
  }

  /// Creates a user directly in the database (no hashing needed here).
  user_record make_user(const std::string& name) {
    auto created = check_db->create_user(name, "not-a-real-hash");
    REQUIRE(created);
    return *created;
  }

  /// Opens a session for a user, as an accepted WebSocket upgrade would.
  std::unique_ptr<test_session> open(const user_record& user,
                                     message_id since = no_resume) {
    return open(config_for(user, since));
  }

  /// Opens a session with ?device= and ?acks= as well.
  std::unique_ptr<test_session> open(const user_record& user,
                                     stream_options stream) {
    auto config = config_for(user);
    config.stream = std::move(stream);
    return open(std::move(config));
  }

  /// The configuration open() spawns a session with, for tests that change
  /// a part of it (its writer, its store deadline) first.
  session_config config_for(const user_record& user,
                            message_id since = no_resume) {
    session_config config;
    config.user = user.id;
    config.username = user.username;
    config.stream.since = since;
    config.max_content_bytes = 4096;
    config.registry = actors.registry;
    config.writer = actors.writer;
    return config;
  }

  /// Spawns the node's actors on the fixture's database.
  void start_node(const store_wrapper& wrap_writer_store) {
    auto writer_db = persistence::open_store(db.url());
    auto reader_db = persistence::open_store(db.url());
    REQUIRE(writer_db);
    REQUIRE(reader_db);
    std::shared_ptr<persistence::store> writer_store = std::move(*writer_db);
    if (wrap_writer_store) writer_store = wrap_writer_store(writer_store);
    actors = spawn_node_actors(sys, std::move(writer_store),
                               std::move(*reader_db), hashing_config{1, 1});
  }

  /// Spawns a session with `config`, its frames recorded.
  std::unique_ptr<test_session> open(session_config config) {
    auto result = std::make_unique<test_session>(sys);
    result->connection = std::make_shared<recording_connection>(
        caf::actor_cast<caf::actor>(result->inbox));
    config.connection = result->connection;
    result->actor = spawn_session(sys, std::move(config));
    result->connection->attach(result->actor);
    return result;
  }

  test_database db;
  parley_config cfg;
  caf::actor_system sys;
  std::unique_ptr<persistence::store> check_db;
  node_actors actors;
};

} // namespace parley::testing
