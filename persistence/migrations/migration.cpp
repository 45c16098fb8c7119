// The migration runner shared by both backends.
#include "persistence/migrations/migration.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

#include <soci/soci.h>

namespace parley::persistence {

namespace {

// Portable on purpose: the ledger must be readable before we know which
// version of a backend's schema is present.
constexpr const char* create_ledger =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at_ms BIGINT NOT NULL)";

std::vector<std::string> split_statements(const char* sql) {
  std::vector<std::string> result;
  std::string text = sql;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    auto statement = text.substr(start, end - start);
    if (statement.find_first_not_of(" \t\r\n") != std::string::npos)
      result.push_back(std::move(statement));
    start = end + 1;
  }
  return result;
}

int applied_version(soci::session& sql) {
  int version = 0;
  soci::indicator found = soci::i_null;
  sql << "SELECT MAX(version) FROM schema_migrations",
      soci::into(version, found);
  return found == soci::i_ok ? version : 0;
}

void apply(soci::session& sql, const migration& step) {
  for (const auto* script : step.scripts)
    for (const auto& statement : split_statements(script))
      sql << statement;
  std::string name = step.name;
  long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  sql << "INSERT INTO schema_migrations (version, name, applied_at_ms) "
         "VALUES (:version, :name, :applied_at_ms)",
      soci::use(step.version), soci::use(name), soci::use(now_ms);
}

} // namespace

// Conversation pages read (sender, receiver) by id from either end; resume
// reads by sender and by receiver from a cursor; the partial index keeps the
// delivery queue small however long the history grows.
const char* const version_1_message_indexes = R"sql(
CREATE INDEX messages_conversation ON messages (sender_id, receiver_id, id);
CREATE INDEX messages_from_sender ON messages (sender_id, id);
CREATE INDEX messages_to_receiver ON messages (receiver_id, id);
CREATE INDEX messages_undelivered ON messages (receiver_id, id)
  WHERE NOT delivered;
)sql";

// Deliveries to a user happen in id order, so one watermark per user says
// what was handed over; message rows are no longer rewritten on delivery.
// The watermark starts below the oldest undelivered message (or at the
// newest delivered one), so nothing undelivered is skipped.
const char* const version_2_delivery_watermark = R"sql(
ALTER TABLE users ADD COLUMN delivered_through BIGINT NOT NULL DEFAULT 0;
UPDATE users SET delivered_through = COALESCE(
  (SELECT MIN(id) - 1 FROM messages
   WHERE receiver_id = users.id AND NOT delivered),
  (SELECT MAX(id) FROM messages WHERE receiver_id = users.id),
  0);
DROP INDEX messages_undelivered;
ALTER TABLE messages DROP COLUMN delivered;
)sql";

// Delivery is counted per device (README, "Delivery guarantees"): a cursor
// row per device a user has connected with, "" for connections that name
// none. Every user's default device starts at the old per-user watermark.
// users.delivered_through stays, unused, so that older builds' data is not
// rewritten; nothing reads it any more.
const char* const device_cursors = R"sql(
CREATE TABLE device_cursors (
  user_id BIGINT NOT NULL,
  device TEXT NOT NULL,
  delivered_through BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, device)
);
INSERT INTO device_cursors (user_id, device, delivered_through)
  SELECT id, '', delivered_through FROM users;
)sql";

// Receipts: per conversation and direction, how far the reader (owner) has
// received and read what the peer sent. The index serves "receipts for a
// sender", replayed when the sender resumes.
const char* const conversation_cursors = R"sql(
CREATE TABLE conversation_cursors (
  owner_id BIGINT NOT NULL,
  peer_id BIGINT NOT NULL,
  delivered_through BIGINT NOT NULL DEFAULT 0,
  read_through BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (owner_id, peer_id)
);
CREATE INDEX conversation_cursors_by_peer
  ON conversation_cursors (peer_id, delivered_through);
)sql";

void apply_migrations(soci::session& sql, const migration_plan& plan) {
  for (const auto* statement : plan.begin_exclusive)
    sql << statement;
  try {
    sql << create_ledger;
    auto current = applied_version(sql);
    auto latest = plan.steps.empty() ? 0 : plan.steps.back().version;
    // Running old code on a newer schema could corrupt it quietly.
    if (current > latest)
      throw std::runtime_error(
          "the database schema is at version " + std::to_string(current) +
          ", newer than this build knows (" + std::to_string(latest) + ")");
    for (const auto& step : plan.steps)
      if (step.version > current) apply(sql, step);
    sql.commit();
  } catch (...) {
    // The transaction is dead either way; the original error is the news.
    try {
      sql.rollback();
    } catch (...) {
    }
    throw;
  }
}

} // namespace parley::persistence
