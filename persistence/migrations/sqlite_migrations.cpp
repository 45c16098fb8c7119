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

// A batch whose commit answer was lost is recognized by one marker row per
// commit (store.hpp, commit_marker) instead of a key the server made up for
// every message sent without a client_msg_id; the server's old keys (they
// begin with the unit separator, char(31)) become NULL: no client ever
// sent them. ids is a JSON array.
constexpr const char* commit_markers = R"sql(
CREATE TABLE committed_batches (
  writer TEXT NOT NULL,
  batch INTEGER NOT NULL,
  ids TEXT NOT NULL,
  committed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (writer, batch)
) WITHOUT ROWID;
UPDATE messages SET client_msg_id = NULL
  WHERE substr(client_msg_id, 1, 1) = char(31);
)sql";

// GET /users?prefix= asks for username LIKE 'abc%', which SQLite compares
// without case and answers from an index only if that index is NOCASE.
constexpr const char* username_prefix_index = R"sql(
CREATE INDEX users_username_nocase ON users (username COLLATE NOCASE);
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
          {5, "commit markers instead of server keys", {commit_markers}},
          {6, "user search by name prefix", {username_prefix_index}},
      },
  };
  return plan;
}

} // namespace parley::persistence
