// Columns of text padded to their widest cell, for `parley ctl`'s output.
#pragma once

#include <string>
#include <vector>

namespace parley::ctl {

class text_table {
public:
  explicit text_table(std::vector<std::string> header)
      : rows_{std::move(header)} {}

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  /// Every row, cells separated by two spaces, the last column unpadded.
  std::string text() const;

private:
  std::vector<std::vector<std::string>> rows_;
};

} // namespace parley::ctl
