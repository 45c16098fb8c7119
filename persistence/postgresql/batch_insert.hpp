// PostgreSQL's insert path: a whole batch in one statement.
#pragma once

#include <cstddef>
#include <vector>

#include <soci/soci.h>

#include "persistence/store.hpp"

namespace parley::persistence {

/// Inserts `rows` (indexes into `batch`) with one INSERT over unnested
/// arrays, in row order, inside the caller's transaction. Fills the id of
/// every stored row; rows whose (sender, client_msg_id) already existed are
/// left with id 0 for the caller to resolve as duplicates. Throws on
/// database errors and when the answer cannot be matched to the rows.
void insert_batch(soci::session& sql, const std::vector<chat_message>& batch,
                  const std::vector<std::size_t>& rows,
                  std::vector<insert_outcome>& outcomes);

} // namespace parley::persistence
