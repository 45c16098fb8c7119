// The SQLite schema history: append new steps, never edit released ones.
#include "persistence/migrations/sqlite_migrations.hpp"

namespace parley::persistence {

namespace {

// INTEGER PRIMARY KEY is the rowid; AUTOINCREMENT on messages keeps ids from
// ever being reused, because a message id is a client's resume cursor.
// delivered is 0/1 (SQLite has no BOOLEAN; TRUE and FALSE are 1 and 0).
constexpr const char* users_and_messages = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  hashed_password TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sender_id INTEGER NOT NULL REFERENCES users (id),
  receiver_id INTEGER NOT NULL REFERENCES users (id),
  content TEXT NOT NULL,
  client_msg_id TEXT,
  sent_at_ms INTEGER NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
  UNIQUE (sender_id, client_msg_id)
);
)sql";

} // namespace

const migration_plan& sqlite_migrations() {
  // IMMEDIATE takes the write lock up front: a deferred transaction that
  // read the ledger could not upgrade once another connection had written.
  static const migration_plan plan{
      {"BEGIN IMMEDIATE"},
      {
          {1,
           "users and messages",
           {users_and_messages, version_1_message_indexes}},
          {2, "delivery watermark", {version_2_delivery_watermark}},
          {3, "delivery cursors per device", {device_cursors}},
          {4, "receipts per conversation", {conversation_cursors}},
      },
  };
  return plan;
}

} // namespace parley::persistence
