// A real node out of file descriptors: its accept loop waits instead of
// spinning, says so in a line or two instead of ten a second, and accepts
// again once descriptors are free.
#include <algorithm>
#include <chrono>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/raw_connection.hpp"
#include "tests/integration/running_node.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// Descriptors the node may still open once its limit is lowered.
constexpr int spare_descriptors = 4;

/// Connections beyond those that the node cannot take.
constexpr int pending_connections = 4;

/// How long the node is watched while it cannot accept. Today's loop logs
/// ten lines a second; a rate-limited one, one line in all.
constexpr auto exhausted_period = 2s;

/// New clients keep arriving at this pace during the period.
constexpr auto connect_interval = 100ms;

/// How long the node may take to log, or to accept again.
constexpr auto node_reaction_timeout = 15s;

/// The open descriptors of process `pid`: how many, and the highest.
struct descriptor_use {
  int count = 0;
  int highest = -1;
};

descriptor_use descriptors_of(int pid) {
  descriptor_use use;
  auto* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  REQUIRE(dir != nullptr);
  while (auto* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    ++use.count;
    use.highest = std::max(use.highest, std::stoi(entry->d_name));
  }
  closedir(dir);
  return use;
}

/// CPU seconds (user + system) process `pid` has used so far.
double cpu_seconds_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 1));
  std::string field;
  double ticks = 0;
  // utime and stime are fields 14 and 15; field 3 follows the name.
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Lines of `text` that mention accepting.
int accept_lines(const std::string& text) {
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);)
    if (line.find("accept") != std::string::npos) ++count;
  return count;
}

} // namespace

TEST_CASE("a node out of descriptors logs failed accepts once, does not "
          "spin, and accepts again when descriptors free up") {
  running_node node;
  auto pid = node.process().pid();
  // Descriptors are numbered from the lowest free one and must stay below
  // the limit: leave the holes under the highest plus a few spare ones.
  auto before = descriptors_of(pid);
  rlimit limit{};
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, nullptr, &limit) == 0);
  auto lowered = limit;
  lowered.rlim_cur =
      static_cast<rlim_t>(before.highest + 1 + spare_descriptors);
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, &lowered, nullptr) == 0);
  auto free_slots = before.highest + 1 - before.count + spare_descriptors;

  std::vector<std::unique_ptr<raw_connection>> clients;
  for (int i = 0; i < free_slots + pending_connections; ++i)
    clients.push_back(std::make_unique<raw_connection>(node.port()));
  REQUIRE(node.process().wait_for_stderr("accept fail", node_reaction_timeout));

  // Clients keep arriving while the node cannot take them (pacing the
  // load; nothing waits for an event here).
  auto cpu_before = cpu_seconds_of(pid);
  auto until = std::chrono::steady_clock::now() + exhausted_period;
  while (std::chrono::steady_clock::now() < until) {
    clients.push_back(std::make_unique<raw_connection>(node.port()));
    std::this_thread::sleep_for(connect_interval);
  }
  auto cpu_used = cpu_seconds_of(pid) - cpu_before;
  auto log = node.process().stderr_text();
  INFO("stderr: " << log);
  CHECK(accept_lines(log) <= 3);
  // Retrying at once would keep a core busy for the whole period.
  CHECK(cpu_used < 0.5);

  // The node closes the connections the clients close, and takes the ones
  // still waiting.
  clients.clear();
  CHECK(
      node.process().wait_for_stderr("accepting again", node_reaction_timeout));
  CHECK(node.get("/healthz").status == 200);
  INFO("stderr: " << node.process().stderr_text());
  CHECK(accept_lines(node.process().stderr_text()) <= 3);
}
