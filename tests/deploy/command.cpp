// Running commands for the deploy tests: fork/exec with one pipe for both
// output streams, read until it closes, with a deadline on the whole run.
#include "tests/deploy/command.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace parley::testing {

namespace {

using clock_type = std::chrono::steady_clock;

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

/// In the child: never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             int output_fd) {
  setpgid(0, 0);
  int null_fd = open("/dev/null", O_RDONLY);
  dup2(null_fd, 0);
  dup2(output_fd, 1);
  dup2(output_fd, 2);
  for (const auto& [name, value] : env)
    setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  dprintf(2, "cannot run %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

} // namespace

command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env,
                           std::chrono::seconds timeout) {
  if (argv.empty()) throw std::runtime_error("run_command: no command");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) exec_child(argv, env, fds[1]);
  close(fds[1]);
  // Daemons the command starts (the local cluster's nodes) must not hold
  // the pipe, or this read would wait for them: the scripts redirect their
  // output to files, and a test that forgets shows up as a timeout here.
  command_result result;
  auto deadline = clock_type::now() + timeout;
  bool timed_out = false;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd readable{fds[0], POLLIN, 0};
    if (poll(&readable, 1, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = exit_code_of(status);
  if (timed_out)
    result.output += "\n[run_command: killed after " +
                     std::to_string(timeout.count()) + " s]\n";
  return result;
}

std::string source_root() {
  auto root = std::getenv("PARLEY_SOURCE_ROOT");
  if (root == nullptr || *root == '\0')
    throw std::runtime_error("PARLEY_SOURCE_ROOT is not set (meson test "
                             "sets it)");
  return root;
}

std::string repo_file(const std::string& relative) {
  return source_root() + "/" + relative;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool program_available(const std::string& program) {
  auto path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    auto end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    auto candidate = dirs.substr(begin, end - begin) + "/" + program;
    if (end > begin && access(candidate.c_str(), X_OK) == 0) return true;
    begin = end + 1;
  }
  return false;
}

} // namespace parley::testing
