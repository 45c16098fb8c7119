// parley-bench run as a child process by the smoke tests: what it printed
// last and how it ended.
#pragma once

#include <string>

#include <rapidjson/document.h>

namespace parley::testing {

/// What a parley-bench run printed and how it ended.
struct bench_run {
  int exit_code = -1;    ///< exit status, 128 when it did not exit normally
  std::string last_line; ///< the last non-empty line of standard output
};

/// The tool: $PARLEY_BENCH_BINARY (set by meson test); throws
/// std::runtime_error when unset.
std::string bench_binary();

/// Runs parley-bench with `args` through the shell (so no shell
/// metacharacters in them beyond a redirection) and waits for it to end.
/// Safe to call from a thread other than the test's.
bench_run run_bench(const std::string& args);

/// The JSON object on `line`; fails the test when it is not one.
rapidjson::Document parse_json(const std::string& line);

} // namespace parley::testing
