// Store tests for opening: migrations on reopen, shared databases, newer
// schemas and healing after a lost connection.
#include <algorithm>
#include <thread>
#include <tuple>
#include <vector>

#include "persistence/migrations/postgresql_migrations.hpp"
#include "persistence/migrations/sqlite_migrations.hpp"
#include "tests/persistence/raw_session.hpp"

namespace parley::testing {

namespace {

// Brings a fresh database to schema version `version` and no further.
void migrate_to(const std::string& url, int version) {
  auto plan = on_postgresql() ? persistence::postgresql_migrations()
                              : persistence::sqlite_migrations();
  plan.steps.resize(static_cast<std::size_t>(version));
  persistence::apply_migrations(*raw_session(url), plan);
}

} // namespace

TEST_CASE("reopening a database keeps its data and migrates once") {
  test_database db;
  auto alice = value_of(value_of(persistence::open_store(db.url()))
                            ->create_user("alice", "hash"));
  auto migrations = count_rows(db.url(), "schema_migrations");
  CHECK(migrations >= 1);
  for (int i = 0; i < 3; ++i) {
    auto store = value_of(persistence::open_store(db.url()));
    auto found = value_of(store->find_account("alice"));
    REQUIRE(found.has_value());
    CHECK(found->id == alice.id);
  }
  CHECK(count_rows(db.url(), "schema_migrations") == migrations);
}

TEST_CASE("stores opened at once on a fresh database all migrate it") {
  test_database db;
  constexpr int store_count = 4;
  std::vector<caf::error> errors(store_count);
  std::vector<std::thread> openers;
  for (int i = 0; i < store_count; ++i)
    openers.emplace_back([&db, &errors, i] {
      auto opened = persistence::open_store(db.url());
      if (!opened) errors[i] = std::move(opened.error());
    });
  for (auto& opener : openers)
    opener.join();
  for (const auto& error : errors)
    CHECK_MESSAGE(!error, describe(error));
}

TEST_CASE("a writer and a reader store share one database") {
  test_database db;
  auto writer = value_of(persistence::open_store(db.url()));
  auto reader = value_of(persistence::open_store(db.url()));
  auto alice = value_of(writer->create_user("alice", "h")).id;
  auto bob = value_of(writer->create_user("bob", "h")).id;
  chat_message message;
  message.sender_id = alice;
  message.recipient_id = bob;
  message.content = "seen by the reader";
  auto stored = value_of(writer->insert_messages({message}));
  REQUIRE_FALSE(stored.at(0).error);
  CHECK(contents(value_of(reader->messages_to(bob, 0, 10))) ==
        std::vector<std::string>{"seen by the reader"});
  CHECK_FALSE(
      writer->mark_delivered({{bob, "", value_of(writer->open_device(bob, "")),
                               stored[0].message.id}}));
  CHECK(value_of(reader->open_device(bob, "")) == stored[0].message.id);
}

TEST_CASE("migrations 2 and 4 keep every message undelivered under version 1 "
          "pushable to the default device") {
  test_database db;
  migrate_to(db.url(), 1);
  {
    auto sql = raw_session(db.url());
    *sql << "INSERT INTO users (username, hashed_password) "
            "VALUES ('alice', 'h'), ('bob', 'h'), ('carol', 'h')";
    // Per-message flags could leave a gap: bob's second message was never
    // handed over although his third was.
    for (auto [to, content, delivered] :
         {std::tuple{"bob", "one", "TRUE"}, std::tuple{"bob", "two", "FALSE"},
          std::tuple{"bob", "three", "TRUE"},
          std::tuple{"carol", "four", "TRUE"}})
      *sql << std::string{"INSERT INTO messages "
                          "(sender_id, receiver_id, content, sent_at_ms, "
                          "delivered) SELECT a.id, r.id, '"} +
                  content + "', 0, " + delivered +
                  " FROM users a, users r WHERE a.username = 'alice' "
                  "AND r.username = '" +
                  to + "'";
  }
  auto store = value_of(persistence::open_store(db.url()));
  auto bob = value_of(store->find_account("bob"))->id;
  auto carol = value_of(store->find_account("carol"))->id;
  CHECK(value_of(store->users_with_undelivered()) == std::vector<user_id>{bob});
  auto bob_cursor = value_of(store->open_device(bob, ""));
  CHECK(contents(value_of(store->messages_to(bob, bob_cursor, 10))) ==
        std::vector<std::string>{"two", "three"});
  auto carol_cursor = value_of(store->open_device(carol, ""));
  CHECK(value_of(store->messages_to(carol, carol_cursor, 10)).empty());
}

TEST_CASE("the keys earlier versions made up for messages sent without one "
          "become NULL; clients' keys stay and still refuse a resend") {
  test_database db;
  migrate_to(db.url(), on_postgresql() ? 6 : 4);
  {
    auto sql = raw_session(db.url());
    *sql << "INSERT INTO users (username, hashed_password) "
            "VALUES ('alice', 'h'), ('bob', 'h')";
    std::string server_key = std::string{"\x1f"} + "0123456789abcdef:1";
    for (const auto& key : {server_key, std::string{"c-1"}})
      *sql << "INSERT INTO messages "
              "(sender_id, receiver_id, content, client_msg_id, sent_at_ms) "
              "SELECT a.id, b.id, 'old', :key, 0 FROM users a, users b "
              "WHERE a.username = 'alice' AND b.username = 'bob'",
          soci::use(key);
  }
  auto store = value_of(persistence::open_store(db.url()));
  auto alice = value_of(store->find_account("alice"))->id;
  auto bob = value_of(store->find_account("bob"))->id;
  auto rows = value_of(store->messages_to(bob, 0, 10));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].client_msg_id.empty());
  CHECK(rows[1].client_msg_id == "c-1");
  chat_message resent;
  resent.sender_id = alice;
  resent.recipient_id = bob;
  resent.content = "resent";
  resent.client_msg_id = "c-1";
  auto outcomes = value_of(store->insert_messages({resent}));
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].duplicate);
  CHECK(outcomes[0].message.id == rows[1].id);
}

TEST_CASE("an SQLite database is in WAL mode" *
          doctest::skip(on_postgresql())) {
  test_database db;
  value_of(persistence::open_store(db.url()));
  std::string mode;
  *raw_session(db.url()) << "PRAGMA journal_mode", soci::into(mode);
  CHECK(mode == "wal");
}

TEST_CASE("a new SQLite database has 1 KiB pages, an existing one keeps "
          "its own" *
          doctest::skip(on_postgresql())) {
  test_database db;
  int page_size = 0;
  *raw_session(db.url()) << "PRAGMA page_size = 4096";
  *raw_session(db.url()) << "CREATE TABLE earlier (x INTEGER)";
  value_of(persistence::open_store(db.url()));
  *raw_session(db.url()) << "PRAGMA page_size", soci::into(page_size);
  CHECK(page_size == 4096);
  test_database fresh;
  value_of(persistence::open_store(fresh.url()));
  *raw_session(fresh.url()) << "PRAGMA page_size", soci::into(page_size);
  CHECK(page_size == 1024);
}

TEST_CASE("a database with a newer schema than this build is refused") {
  test_database db;
  value_of(persistence::open_store(db.url()));
  *raw_session(db.url()) << "INSERT INTO schema_migrations "
                            "(version, name, applied_at_ms) "
                            "VALUES (9999, 'from the future', 0)";
  auto error = error_of(persistence::open_store(db.url()));
  CHECK(code_of(error) == error_code::internal);
  CHECK(message_of(error).find("newer") != std::string::npos);
}

TEST_CASE("a failed migration leaves the database untouched") {
  test_database db;
  // A table in the way makes migration 1 fail halfway through.
  *raw_session(db.url()) << "CREATE TABLE messages (x INTEGER)";
  auto error = error_of(persistence::open_store(db.url()));
  CHECK(code_of(error) == error_code::internal);
  CHECK_THROWS(count_rows(db.url(), "users"));
  CHECK_THROWS(count_rows(db.url(), "schema_migrations"));
}

TEST_CASE("a store heals after its connection is lost: reads at once, "
          "writes on the next call" *
          doctest::skip(!on_postgresql())) {
  test_database db;
  auto store = value_of(persistence::open_store(db.url()));
  auto alice = value_of(store->create_user("alice", "h")).id;
  // A read finds the connection lost, reconnects and reads again.
  db.drop_connections();
  CHECK(value_of(store->user_exists(alice)));
  db.drop_connections();
  CHECK_FALSE(store->probe());
  // A write is not repeated (its outcome may be unknown): it fails once.
  db.drop_connections();
  auto lost = store->mark_delivered({{alice, "", 0, 1}});
  CHECK(code_of(lost) == error_code::unavailable);
  CHECK(message_of(lost).find("lost the connection") != std::string::npos);
  CHECK(value_of(store->find_account("alice")).has_value());
  // Batches work on the new connection too (PostgreSQL prepares the batch
  // statement per connection).
  chat_message note;
  note.sender_id = alice;
  note.recipient_id = alice;
  note.content = "after the reconnect";
  auto stored = value_of(store->insert_messages({note, note}));
  REQUIRE(stored.size() == 2);
  CHECK_FALSE(stored[0].error);
  CHECK(stored[1].message.id > stored[0].message.id);
}

} // namespace parley::testing
