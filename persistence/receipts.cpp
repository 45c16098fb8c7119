// Folding receipts into conversation cursor rows (store.hpp).
#include <algorithm>
#include <map>
#include <utility>

#include "persistence/store.hpp"

namespace parley::persistence {

std::vector<receipt_row> fold_receipts(const std::vector<receipt>& receipts) {
  std::map<std::pair<user_id, user_id>, receipt_row> rows;
  for (const auto& x : receipts) {
    auto& row = rows[{x.reader, x.sender}];
    row.owner = x.reader;
    row.peer = x.sender;
    // Whoever read a message has received it.
    row.delivered = std::max(row.delivered, x.up_to);
    if (x.read) row.read = std::max(row.read, x.up_to);
  }
  std::vector<receipt_row> result;
  result.reserve(rows.size());
  for (auto& [key, row] : rows)
    result.push_back(row);
  return result;
}

} // namespace parley::persistence
