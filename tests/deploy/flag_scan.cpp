// Flag scanning for the deploy tests: a hand-written scan, since a flag is
// simply "--" at a word start followed by [a-z0-9-].
#include "tests/deploy/flag_scan.hpp"

#include <cctype>

namespace parley::testing {

namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool flag_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-';
}

} // namespace

std::vector<flag_use> find_flags(const std::string& text) {
  std::vector<flag_use> found;
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      continue;
    }
    bool starts_word = i == 0 || !word_char(text[i - 1]);
    if (!starts_word || text.compare(i, 2, "--") != 0 || i + 2 >= text.size() ||
        !std::islower(static_cast<unsigned char>(text[i + 2])))
      continue;
    auto end = i + 2;
    while (end < text.size() && flag_char(text[end]))
      ++end;
    found.push_back({text.substr(i, end - i), line});
    i = end - 1;
  }
  return found;
}

std::set<std::string> known_flags(const std::string& help) {
  std::set<std::string> flags;
  for (const auto& use : find_flags(help))
    flags.insert(use.flag);
  return flags;
}

} // namespace parley::testing
