// Driving deploy/local-cluster from tests: a private state directory, the
// node under test, and what the script recorded about its processes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tests/deploy/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace parley::testing {

/// One line of the state directory's "processes" file.
struct recorded_process {
  std::string name;    ///< node1.., haproxy
  int pid = 0;
  std::string address; ///< HOST:PORT it serves HTTP on
};

/// deploy/local-cluster with its own state directory and $PARLEY_BINARY.
/// The destructor runs `down` if a test left a cluster up.
class local_cluster {
public:
  local_cluster();
  ~local_cluster();
  local_cluster(const local_cluster&) = delete;
  local_cluster& operator=(const local_cluster&) = delete;

  /// Makes run() start nodes with `binary` instead of $PARLEY_BINARY.
  void use_binary(std::string binary) { binary_ = std::move(binary); }

  /// Runs `deploy/local-cluster ARGS...`.
  command_result run(const std::vector<std::string>& args) const;

  /// The state directory (does not exist until up).
  const std::string& state() const { return state_; }

  /// The recorded processes, in the order up started them.
  std::vector<recorded_process> processes() const;

  /// The throwaway PostgreSQL's directory, empty when up used --db.
  std::string postgres_dir() const;

private:
  temp_dir parent_{"parley-cluster-test"};
  std::string state_;
  std::string binary_; ///< empty: $PARLEY_BINARY
};

/// A TCP port on 127.0.0.1 that nobody listened on a moment ago.
unsigned short free_port();

/// True while `pid` exists and is not a zombie.
bool process_alive(int pid);

/// The PIDs of processes whose command line contains `text`.
std::vector<int> processes_mentioning(const std::string& text);

/// The port of "HOST:PORT".
unsigned short port_of(const std::string& address);

} // namespace parley::testing
