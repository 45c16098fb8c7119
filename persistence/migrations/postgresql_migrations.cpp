// The PostgreSQL schema history: append new steps, never edit released ones.
#include "persistence/migrations/postgresql_migrations.hpp"

namespace parley::persistence {

namespace {

constexpr const char* users_and_messages = R"sql(
CREATE TABLE users (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  hashed_password TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sender_id BIGINT NOT NULL REFERENCES users (id),
  receiver_id BIGINT NOT NULL REFERENCES users (id),
  content TEXT NOT NULL,
  client_msg_id TEXT,
  sent_at_ms BIGINT NOT NULL,
  delivered BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (sender_id, client_msg_id)
);
)sql";

// The foreign keys of messages cost as much as the rest of an insert: each
// row's check locks both users rows (SELECT ... FOR KEY SHARE, a WAL record
// per lock). Users are never deleted, and the store refuses a row naming
// an unknown user before it is inserted, so the checks never fire. SQLite
// keeps its foreign keys: there a check is a plain index lookup.
constexpr const char* drop_message_foreign_keys = R"sql(
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_receiver_id_fkey;
)sql";

} // namespace

const migration_plan& postgresql_migrations() {
  // Nodes of a cluster may start together against one database; the
  // transaction-scoped advisory lock makes the second wait for the first and
  // then find nothing left to do. The key is an arbitrary constant that only
  // Parley's migrations take.
  static const migration_plan plan{
      {"BEGIN", "SELECT pg_advisory_xact_lock(7031947218)"},
      {
          {1,
           "users and messages",
           {users_and_messages, version_1_message_indexes}},
          {2, "delivery watermark", {version_2_delivery_watermark}},
          {3, "no foreign key checks per message", {drop_message_foreign_keys}},
          {4, "delivery cursors per device", {device_cursors}},
          {5, "receipts per conversation", {conversation_cursors}},
      },
  };
  return plan;
}

} // namespace parley::persistence
