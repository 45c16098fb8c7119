// One statement per write batch, sent with libpq on the store's own
// connection. SOCI would spend four round trips on the insert alone (BEGIN,
// PREPARE, EXECUTE, DEALLOCATE) and two more on the marks and the COMMIT;
// on a loaded machine each round trip costs more than the rows it carries.
// One statement in autocommit is one implicit transaction: all of it is
// stored, or none. Rows travel as array parameters, unnested WITH
// ORDINALITY so that ids are drawn in row order. The same statement stores
// the batch's commit marker (store.hpp, commit_marker): a batch written
// again after its answer was lost fails on the marker's key if its first
// attempt committed, and its rows are then read back by the ids the marker
// holds.
#include "persistence/postgresql/batch_commit.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <soci/postgresql/soci-postgresql.h>

#include "persistence/inserted_rows.hpp"
#include "proto/error_code.hpp"

namespace parley::persistence {

namespace {

/// The statement's parts. The UPDATEs skip rows they would not change, so an
/// idle mark or presence change does not write a new row version. A mark
/// applies only where the stored cursor is at least its base (store.hpp,
/// delivery_mark).
constexpr const char* insert_part =
    "WITH inserted AS ("
    "INSERT INTO messages "
    "(sender_id, receiver_id, content, client_msg_id, sent_at_ms) "
    "SELECT s, r, c, k, t FROM unnest("
    "CAST($1 AS BIGINT[]), CAST($2 AS BIGINT[]), CAST($3 AS TEXT[]), "
    "CAST($4 AS TEXT[]), CAST($5 AS BIGINT[])) "
    "WITH ORDINALITY AS x(s, r, c, k, t, n) "
    "ORDER BY n ON CONFLICT DO NOTHING "
    "RETURNING id, sender_id, client_msg_id), "
    "marked AS ("
    "UPDATE device_cursors SET delivered_through = y.through "
    "FROM unnest(CAST($6 AS BIGINT[]), CAST($7 AS TEXT[]), "
    "CAST($8 AS BIGINT[]), CAST($9 AS BIGINT[])) AS y(id, device, base, "
    "through) "
    "WHERE device_cursors.user_id = y.id AND device_cursors.device = y.device "
    "AND device_cursors.delivered_through >= y.base "
    "AND device_cursors.delivered_through < y.through), "
    "marker AS ("
    "INSERT INTO committed_batches (writer, batch, ids, committed_at_ms) "
    "SELECT CAST($16 AS TEXT), CAST($17 AS BIGINT), "
    "COALESCE(array_agg(id), '{}'), CAST($18 AS BIGINT) FROM inserted "
    "HAVING CAST($17 AS BIGINT) > 0), "
    "older_markers AS ("
    "DELETE FROM committed_batches WHERE writer = $16 AND batch < $17), ";

/// One node: presence is the users row.
constexpr const char* single_node_presence_part =
    "changed AS ("
    "UPDATE users SET status = z.status "
    "FROM unnest(CAST($10 AS BIGINT[]), CAST($11 AS TEXT[])) AS z(id, status) "
    "WHERE users.id = z.id AND z.status <> users.status), ";

/// A cluster: this node's ($19) row in user_presence comes and goes, and
/// the users row says online while any node has one. Parts of one
/// statement do not see each other's changes, hence "online, or another
/// node has a row"; the commit lock makes the other nodes' rows current.
constexpr const char* cluster_presence_part =
    "present AS ("
    "INSERT INTO user_presence (user_id, node) "
    "SELECT z.id, $19 FROM unnest(CAST($10 AS BIGINT[]), "
    "CAST($11 AS TEXT[])) AS z(id, status) WHERE z.status = 'online' "
    "ON CONFLICT DO NOTHING), "
    "absent AS ("
    "DELETE FROM user_presence USING unnest(CAST($10 AS BIGINT[]), "
    "CAST($11 AS TEXT[])) AS z(id, status) WHERE z.status = 'offline' "
    "AND user_presence.user_id = z.id AND user_presence.node = $19), "
    "changed AS ("
    "UPDATE users SET status = CASE WHEN z.status = 'online' OR EXISTS ("
    "SELECT 1 FROM user_presence p WHERE p.user_id = z.id AND p.node <> $19) "
    "THEN 'online' ELSE 'offline' END "
    "FROM unnest(CAST($10 AS BIGINT[]), CAST($11 AS TEXT[])) AS z(id, status) "
    "WHERE users.id = z.id), ";

constexpr const char* receipts_part =
    "receipts AS ("
    "INSERT INTO conversation_cursors "
    "(owner_id, peer_id, delivered_through, read_through) "
    "SELECT * FROM unnest(CAST($12 AS BIGINT[]), CAST($13 AS BIGINT[]), "
    "CAST($14 AS BIGINT[]), CAST($15 AS BIGINT[])) "
    "ON CONFLICT (owner_id, peer_id) DO UPDATE SET "
    "delivered_through = GREATEST(conversation_cursors.delivered_through, "
    "EXCLUDED.delivered_through), "
    "read_through = GREATEST(conversation_cursors.read_through, "
    "EXCLUDED.read_through)) ";

constexpr const char* single_node_result_part =
    "SELECT id, sender_id, client_msg_id FROM inserted";

/// A cluster also reads the newest message id of every user the batch
/// names, before the batch (the statement's snapshot, taken under the
/// commit lock, does not see its own rows): the start of each user's links.
/// Rows of kind 0 are stored messages, of kind 1 (user, newest id).
constexpr const char* cluster_result_part =
    ", newest AS ("
    "SELECT u, GREATEST("
    "COALESCE((SELECT max(id) FROM messages WHERE sender_id = u), 0), "
    "COALESCE((SELECT max(id) FROM messages WHERE receiver_id = u), 0)) AS m "
    "FROM (SELECT unnest(CAST($1 AS BIGINT[])) UNION "
    "SELECT unnest(CAST($2 AS BIGINT[]))) AS b(u)) "
    "SELECT 0, id, sender_id, client_msg_id FROM inserted "
    "UNION ALL SELECT 1, u, m, NULL FROM newest";

std::string statement_text(bool cluster) {
  std::string text = insert_part;
  text += cluster ? cluster_presence_part : single_node_presence_part;
  text += receipts_part;
  text += cluster ? cluster_result_part : single_node_result_part;
  return text;
}

/// Appends a text element of a PostgreSQL array literal: quoted, with
/// backslash and quote escaped. NUL never gets here (refused earlier).
void append_text(std::string& literal, const std::string& text) {
  literal += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') literal += '\\';
    literal += c;
  }
  literal += '"';
}

/// Array literals built element by element: "{a,b,c}".
class array_literal {
public:
  std::string& next() {
    text_ += text_.size() == 1 ? "" : ",";
    return text_;
  }
  const char* close() {
    text_ += '}';
    return text_.c_str();
  }

private:
  std::string text_ = "{";
};

/// The five message columns of the batch.
struct message_arrays {
  array_literal senders, receivers, contents, keys, times;

  void add(const chat_message& msg) {
    senders.next() += std::to_string(msg.sender_id);
    receivers.next() += std::to_string(msg.recipient_id);
    append_text(contents.next(), msg.content);
    if (msg.client_msg_id.empty())
      keys.next() += "NULL"; // NULL never conflicts
    else
      append_text(keys.next(), msg.client_msg_id);
    times.next() += std::to_string(msg.sent_at_ms);
  }
};

/// One row per (user, device): a joined UPDATE changes each row at most
/// once. Marks of one device that chain (the next one's base is within the
/// previous step) merge into one step; a mark that does not chain waits
/// for no one: it is dropped, as it would not apply after the first.
struct mark_arrays {
  array_literal ids, devices, bases, throughs;

  explicit mark_arrays(const std::vector<delivery_mark>& marks) {
    std::map<std::pair<user_id, std::string>, std::pair<message_id, message_id>>
        steps;
    for (const auto& mark : marks) {
      auto [i, added] = steps.emplace(std::make_pair(mark.user, mark.device),
                                      std::make_pair(mark.base, mark.through));
      auto& [base, through] = i->second;
      if (!added && mark.base <= through)
        through = std::max(through, mark.through);
    }
    for (const auto& [key, step] : steps) {
      ids.next() += std::to_string(key.first);
      append_text(devices.next(), key.second);
      bases.next() += std::to_string(step.first);
      throughs.next() += std::to_string(step.second);
    }
  }
};

/// One users row per user: the last presence change wins.
struct presence_arrays {
  array_literal ids, statuses;

  explicit presence_arrays(const std::vector<presence_change>& changes) {
    std::map<user_id, presence> last;
    for (const auto& change : changes)
      last[change.user] = change.status;
    for (const auto& [user, status] : last) {
      ids.next() += std::to_string(user);
      statuses.next() += to_string(status);
    }
  }
};

/// One row per conversation and direction (ON CONFLICT may touch a row
/// once per statement).
struct receipt_arrays {
  array_literal owners, peers, delivered, read;

  explicit receipt_arrays(const std::vector<receipt>& receipts) {
    for (const auto& row : fold_receipts(receipts)) {
      owners.next() += std::to_string(row.owner);
      peers.next() += std::to_string(row.peer);
      delivered.next() += std::to_string(row.delivered);
      read.next() += std::to_string(row.read);
    }
  }
};

/// A batch as the statements' parameters: $1-$15 its parts, $16-$18 its
/// commit marker, and $19 the node's name in the cluster's statement.
struct batch_parameters {
  message_arrays messages;
  mark_arrays marks;
  presence_arrays presence;
  receipt_arrays receipts;
  std::string marker_batch;
  std::string marker_at;
  const char* values[19];
  bool cluster;

  batch_parameters(const write_batch& batch,
                   const std::vector<std::size_t>& rows,
                   const std::string* cluster_node)
      : marks(batch.delivered)
      , presence(batch.presence)
      , receipts(batch.receipts)
      , marker_batch(std::to_string(batch.marker.batch))
      , marker_at(std::to_string(batch.marker.at))
      , values{}
      , cluster(cluster_node != nullptr) {
    for (auto row : rows)
      messages.add(batch.messages[row]);
    const char* all[] = {
        messages.senders.close(),
        messages.receivers.close(),
        messages.contents.close(),
        messages.keys.close(),
        messages.times.close(),
        marks.ids.close(),
        marks.devices.close(),
        marks.bases.close(),
        marks.throughs.close(),
        presence.ids.close(),
        presence.statuses.close(),
        receipts.owners.close(),
        receipts.peers.close(),
        receipts.delivered.close(),
        receipts.read.close(),
        batch.marker.writer.c_str(),
        marker_batch.c_str(),
        marker_at.c_str(),
        cluster ? cluster_node->c_str() : nullptr,
    };
    std::copy(std::begin(all), std::end(all), values);
  }

  int count() const { return cluster ? 19 : 18; }
};

using result_pointer = std::unique_ptr<PGresult, decltype(&PQclear)>;

[[noreturn]] void throw_failure(PGconn* connection, const PGresult* result) {
  const char* state =
      result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message =
      result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  // Without a SQLSTATE the connection is gone (08006) or libpq failed on
  // its own (XX000); the store tells the two apart by asking the session.
  if (state == nullptr)
    state = PQstatus(connection) == CONNECTION_OK ? "XX000" : "08006";
  throw soci::postgresql_soci_error(message, state);
}

std::int64_t integer_at(const PGresult* result, int row, int column) {
  return std::strtoll(PQgetvalue(result, row, column), nullptr, 10);
}

/// Gives each row its id (inserted_rows.hpp) from the rows a statement
/// returned, (id, sender_id, client_msg_id) from column `first` on: a
/// cluster's result has a kind in front and rows of kind 1 that are not
/// messages.
void match_ids(const PGresult* result, const write_batch& batch,
               const std::vector<std::size_t>& rows,
               std::vector<insert_outcome>& outcomes, int first) {
  std::vector<inserted_row> inserted;
  inserted.reserve(static_cast<std::size_t>(PQntuples(result)));
  for (int i = 0; i < PQntuples(result); ++i) {
    if (first > 0 && integer_at(result, i, 0) != 0) continue;
    auto& row = inserted.emplace_back();
    row.id = integer_at(result, i, first);
    row.sender = integer_at(result, i, first + 1);
    if (!PQgetisnull(result, i, first + 2))
      row.client_msg_id.emplace(PQgetvalue(result, i, first + 2));
  }
  assign_ids(std::move(inserted), batch.messages, rows, outcomes);
}

/// Whether a statement failed because its commit marker was stored before:
/// the batch was committed by an earlier attempt.
bool marker_was_committed(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
  return state != nullptr && constraint != nullptr &&
         std::string_view{state} == "23505" &&
         std::string_view{constraint} == "committed_batches_pkey";
}

/// The outcomes of a batch an earlier attempt committed: the rows its
/// marker names. Stream links stay unknown (no_chain): the user actors read
/// such a route's stream from the database.
void read_committed_batch(PGconn* connection, const write_batch& batch,
                          const std::vector<std::size_t>& rows,
                          std::vector<insert_outcome>& outcomes) {
  auto number = std::to_string(batch.marker.batch);
  const char* values[] = {batch.marker.writer.c_str(), number.c_str()};
  result_pointer result{
      PQexecParams(connection,
                   "SELECT m.id, m.sender_id, m.client_msg_id "
                   "FROM committed_batches b JOIN messages m "
                   "ON m.id = ANY(b.ids) "
                   "WHERE b.writer = $1 AND b.batch = CAST($2 AS BIGINT)",
                   2, nullptr, values, nullptr, nullptr, 0),
      &PQclear};
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    throw_failure(connection, result.get());
  match_ids(result.get(), batch, rows, outcomes, 0);
}

/// Links every new row to the message before it in its recipient's and its
/// sender's stream: the newest id before the batch, then the batch's own
/// rows in id order.
void link_streams(const PGresult* result, const std::vector<std::size_t>& rows,
                  std::vector<insert_outcome>& outcomes) {
  std::map<user_id, message_id> newest;
  for (int i = 0; i < PQntuples(result); ++i)
    if (integer_at(result, i, 0) == 1)
      newest[integer_at(result, i, 1)] = integer_at(result, i, 2);
  std::vector<chat_message*> stored;
  for (auto row : rows)
    if (outcomes[row].message.id != 0 && !outcomes[row].error)
      stored.push_back(&outcomes[row].message);
  std::sort(stored.begin(), stored.end(),
            [](const chat_message* x, const chat_message* y) {
              return x->id < y->id;
            });
  for (auto* msg : stored) {
    auto& to = newest[msg->recipient_id];
    msg->recipient_prev = to;
    msg->sender_prev = msg->sender_id == msg->recipient_id
                           ? to
                           : std::exchange(newest[msg->sender_id], msg->id);
    to = msg->id;
  }
}

/// The names the statements are prepared under, once per connection.
constexpr const char* statement_name = "parley_commit_batch";
constexpr const char* cluster_statement_name = "parley_commit_cluster";

} // namespace

void prepare_batch_commit(PGconn* connection, bool cluster) {
  auto text = statement_text(cluster);
  result_pointer result{
      PQprepare(connection, cluster ? cluster_statement_name : statement_name,
                text.c_str(), 0, nullptr),
      &PQclear};
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    throw_failure(connection, result.get());
}

void commit_in_one_statement(PGconn* connection, const write_batch& batch,
                             const std::vector<std::size_t>& rows,
                             std::vector<insert_outcome>& outcomes) {
  batch_parameters parameters{batch, rows, nullptr};
  result_pointer result{PQexecPrepared(connection, statement_name,
                                       parameters.count(), parameters.values,
                                       nullptr, nullptr, 0),
                        &PQclear};
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    if (marker_was_committed(result.get()))
      return read_committed_batch(connection, batch, rows, outcomes);
    throw_failure(connection, result.get());
  }
  match_ids(result.get(), batch, rows, outcomes, 0);
}

namespace {

/// Queues a statement without parameters on a pipeline.
void send_plain(PGconn* connection, const char* sql) {
  if (PQsendQueryParams(connection, sql, 0, nullptr, nullptr, nullptr, nullptr,
                        0) != 1)
    throw_failure(connection, nullptr);
}

/// What a pipeline answered, statement by statement, and its first error.
struct pipeline_answers {
  std::vector<result_pointer> results;
  result_pointer first_error{nullptr, &PQclear};
  bool connection_lost = false;
};

/// Reads `statements` results and the sync's. A statement's result is
/// followed by a null; after the first error the server skips the rest
/// until the sync (PGRES_PIPELINE_ABORTED).
pipeline_answers read_pipeline(PGconn* connection, int statements) {
  pipeline_answers answers;
  for (int i = 0; i <= statements; ++i) {
    result_pointer result{PQgetResult(connection), &PQclear};
    if (!result) {
      answers.connection_lost = true; // nothing more will come
      return answers;
    }
    auto status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) return answers;
    result_pointer end{PQgetResult(connection), &PQclear}; // the null
    if (status == PGRES_FATAL_ERROR && !answers.first_error)
      answers.first_error = std::move(result);
    else
      answers.results.push_back(std::move(result));
    if (PQstatus(connection) != CONNECTION_OK) {
      answers.connection_lost = true;
      return answers;
    }
  }
  return answers;
}

/// Takes the connection out of pipeline mode, reading what is left of a
/// pipeline that failed half way; a fresh session (PQreset) when that does
/// not work, so that no later statement finds the connection stuck.
void leave_pipeline(PGconn* connection) {
  if (PQpipelineStatus(connection) == PQ_PIPELINE_OFF ||
      PQexitPipelineMode(connection) == 1)
    return;
  if (PQstatus(connection) == CONNECTION_OK &&
      PQpipelineSync(connection) == 1) {
    // Every statement's result and null, then the syncs; two nulls in a
    // row mean nothing is pending any more.
    constexpr int most_results = 64;
    int nulls = 0;
    for (int i = 0; i < most_results && nulls < 2; ++i) {
      result_pointer result{PQgetResult(connection), &PQclear};
      if (!result) {
        ++nulls;
        continue;
      }
      nulls = 0;
      if (PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC &&
          PQexitPipelineMode(connection) == 1)
        return;
    }
  }
  PQreset(connection);
}

/// Leaves pipeline mode however the scope ends.
struct pipeline_scope {
  PGconn* connection;
  ~pipeline_scope() { leave_pipeline(connection); }
};

} // namespace

void commit_in_cluster(PGconn* connection, const write_batch& batch,
                       const std::vector<std::size_t>& rows,
                       std::vector<insert_outcome>& outcomes,
                       const std::string& cluster_node) {
  batch_parameters parameters{batch, rows, &cluster_node};
  // One round trip: the statements go out together and the server runs
  // them in order. The lock makes the writers commit one at a time, so ids
  // ascend in commit order across the cluster; a node frozen inside a
  // commit holds it, so the server ends such a transaction after a while,
  // and a writer waiting for the lock longer than that gives up
  // (unavailable: the batch is written again under its marker). SET LOCAL, so
  // that a reconnected session needs no set-up.
  if (PQenterPipelineMode(connection) != 1) throw_failure(connection, nullptr);
  pipeline_scope scope{connection};
  send_plain(connection, "BEGIN");
  send_plain(connection, "SET LOCAL idle_in_transaction_session_timeout = "
                         "'5s'");
  send_plain(connection, "SET LOCAL lock_timeout = '8s'");
  send_plain(connection, "SELECT pg_advisory_xact_lock(7031947219)");
  if (PQsendQueryPrepared(connection, cluster_statement_name,
                          parameters.count(), parameters.values, nullptr,
                          nullptr, 0) != 1)
    throw_failure(connection, nullptr);
  send_plain(connection, "COMMIT");
  if (PQpipelineSync(connection) != 1) throw_failure(connection, nullptr);
  constexpr int statements = 6;
  auto answers = read_pipeline(connection, statements);
  if (answers.connection_lost) throw_failure(connection, nullptr);
  leave_pipeline(connection);
  if (answers.first_error) {
    // The transaction failed and waits for its end; nothing is kept.
    result_pointer rollback{PQexec(connection, "ROLLBACK"), &PQclear};
    if (marker_was_committed(answers.first_error.get()))
      return read_committed_batch(connection, batch, rows, outcomes);
    throw_failure(connection, answers.first_error.get());
  }
  // BEGIN, the two SETs, the lock, then the statement's rows.
  constexpr std::size_t statement_result = 4;
  if (answers.results.size() != statements ||
      PQresultStatus(answers.results[statement_result].get()) !=
          PGRES_TUPLES_OK)
    throw_failure(connection, nullptr);
  const auto* result = answers.results[statement_result].get();
  match_ids(result, batch, rows, outcomes, 1);
  link_streams(result, rows, outcomes);
}

} // namespace parley::persistence
