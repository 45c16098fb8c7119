#include "gateway/ctl/text_table.hpp"

#include <algorithm>

namespace parley::ctl {

std::string text_table::text() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - row[i].size() + 2, ' ');
    }
    // An empty last cell leaves padding behind: no trailing blanks.
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    out += '\n';
  }
  return out;
}

} // namespace parley::ctl
