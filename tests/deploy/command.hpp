// Running the deploy scripts and tools (haproxy, openssl, python3) from
// tests, and finding the files they check.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace parley::testing {

/// How long one command may run before run_command kills it.
constexpr std::chrono::seconds command_timeout{90};

/// How a command ended and what it printed (stdout and stderr merged, in
/// the order written).
struct command_result {
  int exit_code = 0; ///< exit status, or 128 + signal number
  std::string output;
};

/// Runs `argv` (argv[0] looked up in PATH) with `env` added to the
/// environment and standard input from /dev/null, in its own process
/// group. On timeout the whole group gets SIGKILL and the result says so.
/// Throws std::runtime_error when the command cannot be started.
command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env = {},
                           std::chrono::seconds timeout = command_timeout);

/// The repository: $PARLEY_SOURCE_ROOT (set by meson test); throws when
/// unset.
std::string source_root();

/// The path of `relative` inside the repository.
std::string repo_file(const std::string& relative);

/// The whole content of a file; throws std::runtime_error when unreadable.
std::string read_text(const std::string& path);

/// Writes `text` to `path`, replacing it.
void write_text(const std::string& path, const std::string& text);

/// True when `program` is an executable found in PATH.
bool program_available(const std::string& program);

} // namespace parley::testing
