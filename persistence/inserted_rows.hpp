// Which stored row is which message of a write batch: the rows an insert
// returned, or that a commit marker names, matched to the batch's messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "persistence/store.hpp"

namespace parley::persistence {

/// A row a batch inserted, as the database returns it.
struct inserted_row {
  message_id id = 0;
  user_id sender = 0;
  std::optional<std::string> client_msg_id; ///< nullopt: stored as NULL
};

/// Gives each message of `rows` (indexes into `messages`, in row order) its
/// id: a message with a client_msg_id by (sender, key), the others in
/// order, since their ids were drawn in row order. A message whose key was
/// not inserted (stored before, or by an earlier row of the batch) stays at
/// id 0, for the caller to answer as a duplicate.
void assign_ids(std::vector<inserted_row> inserted,
                const std::vector<chat_message>& messages,
                const std::vector<std::size_t>& rows,
                std::vector<insert_outcome>& outcomes);

/// How long a commit marker is kept. A writer forgets its own older
/// markers with each commit; the last one of a run that ended stays until
/// a store opened later removes it after this long.
constexpr timestamp_ms commit_marker_lifetime_ms = 7LL * 24 * 3600 * 1000;

} // namespace parley::persistence
