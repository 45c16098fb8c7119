#include "persistence/inserted_rows.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "proto/error_code.hpp"

namespace parley::persistence {

void assign_ids(std::vector<inserted_row> inserted,
                const std::vector<chat_message>& messages,
                const std::vector<std::size_t>& rows,
                std::vector<insert_outcome>& outcomes) {
  std::map<std::pair<user_id, std::string>, message_id> keyed;
  std::vector<message_id> unkeyed;
  for (auto& row : inserted) {
    if (row.client_msg_id)
      keyed.emplace(std::make_pair(row.sender, std::move(*row.client_msg_id)),
                    row.id);
    else
      unkeyed.push_back(row.id);
  }
  std::sort(unkeyed.begin(), unkeyed.end());
  std::size_t next_unkeyed = 0;
  for (auto row : rows) {
    const auto& msg = messages[row];
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

} // namespace parley::persistence
