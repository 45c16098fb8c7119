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

// Cluster mode: the nodes that share this database, and which nodes hold a
// connection of which user. A member row is a node's registration: its
// name, the incarnation of this start (a second start of the same name
// gets a higher one), the cluster address it actually bound and its last
// heartbeat; a node that stops deletes its row, and the survivors delete
// the row of a node whose heartbeat went stale. users.status is online
// while any node has a user_presence row for the user.
constexpr const char* cluster_membership = R"sql(
CREATE TABLE cluster_members (
  name TEXT PRIMARY KEY,
  incarnation BIGINT NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE user_presence (
  user_id BIGINT NOT NULL,
  node TEXT NOT NULL,
  PRIMARY KEY (user_id, node)
);
CREATE INDEX user_presence_by_node ON user_presence (node);
)sql";

// A batch whose commit answer was lost is recognized by one marker row per
// commit (store.hpp, commit_marker) instead of a key the server made up for
// every message sent without a client_msg_id: such a key cost an entry in
// the unique index per message. The index now holds the clients' keys
// only, and the server's old keys (they begin with the unit separator,
// chr(31)) become NULL: no client ever sent them.
constexpr const char* commit_markers = R"sql(
CREATE TABLE committed_batches (
  writer TEXT NOT NULL,
  batch BIGINT NOT NULL,
  ids BIGINT[] NOT NULL,
  committed_at_ms BIGINT NOT NULL,
  PRIMARY KEY (writer, batch)
);
UPDATE messages SET client_msg_id = NULL
  WHERE starts_with(client_msg_id, chr(31));
CREATE UNIQUE INDEX messages_client_msg_id ON messages (sender_id, client_msg_id)
  WHERE client_msg_id IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_client_msg_id_key;
)sql";

} // namespace

// GET /users?prefix= asks for lower(username) LIKE 'abc%';
// text_pattern_ops lets a B-tree answer that under any database collation.
constexpr const char* username_prefix_index = R"sql(
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops);
)sql";

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
          {6, "cluster members and presence per node", {cluster_membership}},
          {7, "commit markers instead of server keys", {commit_markers}},
          {8, "user search by name prefix", {username_prefix_index}},
      },
  };
  return plan;
}

} // namespace parley::persistence
