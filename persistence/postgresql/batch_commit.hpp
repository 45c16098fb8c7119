// PostgreSQL's write path: a whole write batch in one statement.
#pragma once

#include <cstddef>
#include <libpq-fe.h>
#include <string>
#include <vector>

#include "persistence/store.hpp"

namespace parley::persistence {

/// Prepares the statement commit_in_one_statement runs, once per
/// connection: parsing and planning the statement for every batch cost
/// more than a small batch itself (database CPU per message at 5,000
/// msgs/s). Throws soci::soci_error like commit_in_one_statement.
void prepare_batch_commit(PGconn* connection, bool cluster = false);

/// Commits a write batch with one statement in autocommit, so the batch
/// costs one round trip: the INSERT of `rows` (indexes into
/// batch.messages, in row order) and one UPDATE of users for delivery
/// watermarks and presence together. Fills the id of every stored row;
/// rows whose (sender, client_msg_id) already existed are left with id 0
/// for the caller to resolve as duplicates. The statement also stores the
/// batch's commit marker; when an earlier attempt stored it, nothing is
/// written again and the outcomes are that attempt's rows. Throws
/// soci::soci_error (with the SQLSTATE) on database errors; then nothing of
/// the batch is stored.
void commit_in_one_statement(PGconn* connection, const write_batch& batch,
                             const std::vector<std::size_t>& rows,
                             std::vector<insert_outcome>& outcomes);

/// The cluster's commit, in one round trip (libpq's pipeline mode): a
/// transaction that takes the cluster-wide commit lock, so that the nodes'
/// writers commit one at a time and message ids ascend in commit order
/// across the cluster (README, "How the cluster keeps order"), then the
/// cluster's statement, which also writes the presence rows of
/// `cluster_node` and returns the stream links of every new row
/// (chat_message::recipient_prev, sender_prev) read under the lock, then
/// COMMIT. Throws like commit_in_one_statement; a failed transaction is
/// rolled back first.
void commit_in_cluster(PGconn* connection, const write_batch& batch,
                       const std::vector<std::size_t>& rows,
                       std::vector<insert_outcome>& outcomes,
                       const std::string& cluster_node);

} // namespace parley::persistence
