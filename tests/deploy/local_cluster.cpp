// Test driver for deploy/local-cluster: reads the script's state files the
// way its own status command does.
#include "tests/deploy/local_cluster.hpp"

#include "tests/support/node_process.hpp"

#include <arpa/inet.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace parley::testing {

local_cluster::local_cluster() : state_{parent_.file("state")} {}

local_cluster::~local_cluster() {
  // Never leave nodes or a database behind a failed test.
  if (std::filesystem::exists(state_)) {
    try {
      run({"down"});
    } catch (...) { // a destructor must not throw; the state dir shows it
    }
  }
}

command_result local_cluster::run(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {repo_file("deploy/local-cluster")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto binary = binary_.empty() ? node_binary() : binary_;
  return run_command(argv, {{"PARLEY_CLUSTER_STATE", state_},
                            {"PARLEY_BINARY", binary}});
}

std::vector<recorded_process> local_cluster::processes() const {
  std::vector<recorded_process> result;
  std::ifstream in{state_ + "/processes"};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    recorded_process process;
    std::string start;
    fields >> process.name >> process.pid >> start >> process.address;
    result.push_back(process);
  }
  return result;
}

std::string local_cluster::postgres_dir() const {
  std::ifstream in{state_ + "/postgres.env"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("pg_dir=", 0) == 0) return line.substr(7);
  return {};
}

unsigned short free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool process_alive(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat;
  if (!std::getline(in, stat)) return false;
  auto close_paren = stat.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < stat.size() &&
         stat[close_paren + 2] != 'Z';
}

std::vector<int> processes_mentioning(const std::string& text) {
  std::vector<int> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in{entry.path() / "cmdline", std::ios::binary};
    std::string cmdline{std::istreambuf_iterator<char>(in), {}};
    if (cmdline.find(text) != std::string::npos &&
        process_alive(std::stoi(name)))
      pids.push_back(std::stoi(name));
  }
  return pids;
}

unsigned short port_of(const std::string& address) {
  return static_cast<unsigned short>(
      std::stoi(address.substr(address.rfind(':') + 1)));
}

} // namespace parley::testing
