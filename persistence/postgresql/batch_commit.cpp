// One statement per write batch, sent with libpq on the store's own
// connection. SOCI would spend four round trips on the insert alone (BEGIN,
// PREPARE, EXECUTE, DEALLOCATE) and two more on the marks and the COMMIT;
// on a loaded machine each round trip costs more than the rows it carries.
// One statement in autocommit is one implicit transaction: all of it is
// stored, or none. Rows travel as array parameters, unnested WITH
// ORDINALITY so that ids are drawn in row order.
#include "persistence/postgresql/batch_commit.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <soci/postgresql/soci-postgresql.h>

#include "proto/error_code.hpp"

namespace parley::persistence {

namespace {

// The users UPDATE skips rows it would not change, so an idle mark does not
// write a new row version.
constexpr const char* commit_statement =
    "WITH inserted AS ("
    "INSERT INTO messages "
    "(sender_id, receiver_id, content, client_msg_id, sent_at_ms) "
    "SELECT s, r, c, k, t FROM unnest("
    "CAST($1 AS BIGINT[]), CAST($2 AS BIGINT[]), CAST($3 AS TEXT[]), "
    "CAST($4 AS TEXT[]), CAST($5 AS BIGINT[])) "
    "WITH ORDINALITY AS x(s, r, c, k, t, n) "
    "ORDER BY n ON CONFLICT DO NOTHING "
    "RETURNING id, sender_id, client_msg_id), "
    "changed AS ("
    "UPDATE users SET "
    "delivered_through = GREATEST(users.delivered_through, y.through), "
    "status = COALESCE(y.status, users.status) "
    "FROM unnest(CAST($6 AS BIGINT[]), CAST($7 AS BIGINT[]), "
    "CAST($8 AS TEXT[])) AS y(id, through, status) "
    "WHERE users.id = y.id AND (y.through > users.delivered_through "
    "OR y.status <> users.status)) "
    "SELECT id, sender_id, client_msg_id FROM inserted";

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

/// One users row per user: the highest mark and the last presence change,
/// since a joined UPDATE changes each row at most once.
struct user_arrays {
  array_literal ids, throughs, statuses;

  explicit user_arrays(const write_batch& batch) {
    struct change {
      message_id through = 0;
      std::optional<presence> status;
    };
    std::map<user_id, change> changes;
    for (const auto& mark : batch.delivered) {
      auto& through = changes[mark.user].through;
      through = std::max(through, mark.through);
    }
    for (const auto& update : batch.presence)
      changes[update.user].status = update.status;
    for (const auto& [user, change] : changes) {
      ids.next() += std::to_string(user);
      throughs.next() += std::to_string(change.through);
      if (change.status)
        statuses.next() += to_string(*change.status);
      else
        statuses.next() += "NULL";
    }
  }
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

/// Gives each row its id: rows with a client_msg_id by key, the others in
/// order, since their ids were drawn in row order.
void match_ids(const PGresult* result, const write_batch& batch,
               const std::vector<std::size_t>& rows,
               std::vector<insert_outcome>& outcomes) {
  std::map<std::pair<user_id, std::string>, message_id> keyed;
  std::vector<message_id> unkeyed;
  for (int i = 0; i < PQntuples(result); ++i) {
    auto id = integer_at(result, i, 0);
    if (PQgetisnull(result, i, 2))
      unkeyed.push_back(id);
    else
      keyed.emplace(std::make_pair(integer_at(result, i, 1),
                                   std::string{PQgetvalue(result, i, 2)}),
                    id);
  }
  std::sort(unkeyed.begin(), unkeyed.end());
  std::size_t next_unkeyed = 0;
  for (auto row : rows) {
    const auto& msg = batch.messages[row];
    auto& outcome = outcomes[row];
    if (msg.client_msg_id.empty()) {
      if (next_unkeyed < unkeyed.size()) {
        outcome.message.id = unkeyed[next_unkeyed++];
      } else {
        // Cannot happen (a row without a key never conflicts), but the
        // batch is committed already: say so instead of inviting a retry.
        outcome.error = make_error(error_code::internal,
                                   "stored, but its id was not returned");
      }
      continue;
    }
    // The first row with a key owns the inserted id; a second row with the
    // same key in this batch, or a key stored before, stays at id 0.
    auto i = keyed.find(std::make_pair(msg.sender_id, msg.client_msg_id));
    if (i != keyed.end()) {
      outcome.message.id = i->second;
      keyed.erase(i);
    }
  }
}

/// The name the statement is prepared under, once per connection.
constexpr const char* statement_name = "parley_commit_batch";

} // namespace

void prepare_batch_commit(PGconn* connection) {
  result_pointer result{
      PQprepare(connection, statement_name, commit_statement, 0, nullptr),
      &PQclear};
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    throw_failure(connection, result.get());
}

void commit_in_one_statement(PGconn* connection, const write_batch& batch,
                             const std::vector<std::size_t>& rows,
                             std::vector<insert_outcome>& outcomes) {
  message_arrays messages;
  for (auto row : rows)
    messages.add(batch.messages[row]);
  user_arrays users{batch};
  const char* values[] = {
      messages.senders.close(),  messages.receivers.close(),
      messages.contents.close(), messages.keys.close(),
      messages.times.close(),    users.ids.close(),
      users.throughs.close(),    users.statuses.close(),
  };
  constexpr int count = sizeof(values) / sizeof(values[0]);
  result_pointer result{PQexecPrepared(connection, statement_name, count,
                                       values, nullptr, nullptr, 0),
                        &PQclear};
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    throw_failure(connection, result.get());
  match_ids(result.get(), batch, rows, outcomes);
}

} // namespace parley::persistence
