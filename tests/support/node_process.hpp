// A parley node running as a child process, for integration tests.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parley::testing {

/// How long a node may take to print its listening line.
constexpr std::chrono::seconds node_start_timeout{30};

/// How a finished process ended and what it printed.
struct process_result {
  int exit_code = 0; ///< exit status, or 128 + signal number
  std::string stdout_text;
  std::string stderr_text;
};

/// The node executable: $PARLEY_BINARY (set by meson test); throws
/// std::runtime_error when unset.
std::string node_binary();

/// Whether a started node gets a free admin port (so that parallel tests do
/// not compete for the default one) or the node's own default.
enum class admin_address { free_port, node_default };

/// A started node. Its stdout and stderr are drained by threads so that
/// the pipes never fill. The child gets SIGKILL if the thread that started
/// it dies, and its destructor kills and reaps it if still running.
class node_process {
public:
  /// Starts the node with `args`, adding "--listen 127.0.0.1:0" and (for
  /// admin_address::free_port) "--admin-listen 127.0.0.1:0" unless they
  /// name those flags, and waits
  /// for "parley listening on HOST:PORT" on its stdout. Throws
  /// std::runtime_error (quoting the node's stderr) when the node exits first
  /// or `timeout` passes.
  explicit node_process(std::vector<std::string> args,
                        std::chrono::milliseconds timeout = node_start_timeout,
                        admin_address admin = admin_address::free_port);

  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// The TCP port the node listens on.
  unsigned short port() const;

  /// The port of its admin listener; nullopt when it runs without one.
  std::optional<unsigned short> admin_port() const;

  /// The port of its cluster links (`parley ctl --node`); nullopt off
  /// cluster mode.
  std::optional<unsigned short> cluster_port() const;

  /// The node's process id.
  int pid() const;

  /// Sends `signal` (e.g. SIGTERM) unless the node was already reaped.
  void send_signal(int signal);

  /// Waits for the node to exit: its exit status (128 + signal number when
  /// killed by a signal), or nullopt when `timeout` passes first.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  /// Everything the node wrote to stderr so far.
  std::string stderr_text() const;

  /// Waits until the node's stderr contains `text`; false when `timeout`
  /// passes first or the node closes its output.
  bool wait_for_stderr(const std::string& text,
                       std::chrono::milliseconds timeout);

  /// Waits until the node's stdout contains `text`; false when `timeout`
  /// passes first or the node closes its output.
  bool wait_for_stdout(const std::string& text,
                       std::chrono::milliseconds timeout);

  /// Everything the node wrote to stdout so far.
  std::string stdout_text() const;

private:
  struct state;
  std::unique_ptr<state> self_;
};

/// Runs the node with `args` (plus "--listen 127.0.0.1:0" unless they name
/// --listen; nothing added for "ctl ...") until it exits. Throws
/// std::runtime_error, after killing it, when `timeout` passes first.
process_result run_to_exit(std::vector<std::string> args,
                           std::chrono::milliseconds timeout);

} // namespace parley::testing
