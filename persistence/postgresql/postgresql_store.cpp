// The PostgreSQL backend: connection set-up and which errors are transient.
#include "persistence/postgresql/postgresql_store.hpp"

#include <exception>

#include <soci/postgresql/soci-postgresql.h>

#include "persistence/migrations/postgresql_migrations.hpp"
#include "persistence/postgresql/batch_commit.hpp"

namespace parley::persistence {

postgresql_store::postgresql_store(const postgresql_location& where)
    : soci_store(soci::postgresql, where.conninfo, where.display) {}

void postgresql_store::write(const write_batch& batch,
                             const std::vector<std::size_t>& rows,
                             std::vector<insert_outcome>& outcomes) {
  if (rows.empty() && batch.delivered.empty() && batch.presence.empty() &&
      batch.receipts.empty())
    return;
  auto* backend =
      static_cast<soci::postgresql_session_backend*>(session().get_backend());
  if (!cluster_node_.empty()) {
    write_in_cluster(backend->conn_, batch, rows, outcomes);
  } else {
    try {
      commit_in_one_statement(backend->conn_, batch, rows, outcomes);
    } catch (const soci::postgresql_soci_error& e) {
      // 26000: not prepared on this connection yet (first batch, or a
      // reconnect); nothing was stored, so prepare and run it again.
      if (e.sqlstate() != "26000") throw;
      prepare_batch_commit(backend->conn_);
      commit_in_one_statement(backend->conn_, batch, rows, outcomes);
    }
  }
  // Rows left at id 0 repeat a stored (sender, client_msg_id): answer them
  // with the original, which may be a row of this very batch. The batch is
  // committed now, so a failure here fails only the row it concerns.
  for (auto row : rows) {
    auto& outcome = outcomes[row];
    if (outcome.message.id != 0 || outcome.error) continue;
    try {
      outcome.message = find_original(outcome.message.sender_id,
                                      outcome.message.client_msg_id);
      outcome.duplicate = true;
    } catch (const std::exception& e) {
      outcome.error = failure("look up a resent message", e);
    }
  }
}

caf::error postgresql_store::enter_cluster(const std::string& node) {
  cluster_node_ = node;
  return {};
}

/// The cluster's commit (batch_commit.hpp): one round trip, like a single
/// node's, with the commit lock held inside it.
void postgresql_store::write_in_cluster(PGconn* connection,
                                        const write_batch& batch,
                                        const std::vector<std::size_t>& rows,
                                        std::vector<insert_outcome>& outcomes) {
  try {
    commit_in_cluster(connection, batch, rows, outcomes, cluster_node_);
  } catch (const soci::postgresql_soci_error& e) {
    // 26000: not prepared on this connection yet (first batch, or a
    // reconnect); nothing was stored, so prepare and run it again.
    if (e.sqlstate() != "26000") throw;
    prepare_batch_commit(connection, true);
    commit_in_cluster(connection, batch, rows, outcomes, cluster_node_);
  }
}

std::string postgresql_store::in_id_list(const std::string& column) const {
  return column + " IN (SELECT CAST(value AS BIGINT) FROM "
                  "json_array_elements_text(CAST(:ids AS JSON)))";
}

// PostgreSQL's LIKE minds case; the expression matches the index
// users_username_prefix (migration 6), whose text_pattern_ops answers a
// prefix LIKE under any collation.
std::string postgresql_store::username_prefix_match() const {
  return "lower(username) LIKE :pattern ESCAPE '\\'";
}

error_code postgresql_store::code_for(const std::exception& e) const {
  auto error = dynamic_cast<const soci::postgresql_soci_error*>(&e);
  if (error == nullptr) return error_code::internal;
  // SQLSTATE classes that pass with time: 08 connection exception, 53
  // insufficient resources (too many connections), 57P shutdown or startup,
  // 40001/40P01 serialization failure and deadlock, 55P03 a lock wait
  // that timed out (a cluster's commit lock held by a frozen node), 25P03
  // a transaction the server ended for idling.
  auto state = error->sqlstate();
  auto transient = state.compare(0, 2, "08") == 0 ||
                   state.compare(0, 2, "53") == 0 ||
                   state.compare(0, 3, "57P") == 0 || state == "40001" ||
                   state == "40P01" || state == "55P03" || state == "25P03";
  return transient ? error_code::unavailable : error_code::internal;
}

caf::expected<std::unique_ptr<store>>
open_postgresql_store(const postgresql_location& where) {
  return open_soci_store<postgresql_store>(where.display,
                                           postgresql_migrations(), where);
}

} // namespace parley::persistence
