// Finding command-line flags (--name) in text, to hold the deploy files
// to the flags the node accepts.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace parley::testing {

/// One --flag found in a file.
struct flag_use {
  std::string flag; ///< e.g. "--cluster-listen"
  int line = 0;     ///< 1-based
};

/// Every "--name" in `text` that starts a word (so "a--b" is not one),
/// with the line it is on; "--name=value" yields "--name".
std::vector<flag_use> find_flags(const std::string& text);

/// The flags named in `help` (the node's --help output).
std::set<std::string> known_flags(const std::string& help);

} // namespace parley::testing
