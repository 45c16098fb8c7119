// Every --flag the deploy files give the node is one `parley --help` lists,
// so that a renamed or misspelt flag fails here and not at 3 a.m.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/deploy/flag_scan.hpp"
#include "tests/support/node_process.hpp"

using namespace parley::testing;

namespace {

/// Flags of other tools that the deploy files use, per file, so that only
/// these are exempt from the node's list.
const std::map<std::string, std::set<std::string>> other_tools_flags = {
    // apt-get, meson, useradd, COPY and HEALTHCHECK
    {"deploy/docker/Dockerfile",
     {"--no-install-recommends", "--buildtype", "--system", "--uid",
      "--user-group", "--home-dir", "--create-home", "--shell", "--from",
      "--interval", "--timeout", "--start-period", "--retries"}},
    // docker compose up --build, make-cluster-secrets --readable
    {"deploy/compose.yaml", {"--build", "--readable"}},
    // make-cluster-secrets --domain, kubectl create secret
    {"deploy/kubernetes/secret.yaml",
     {"--domain", "--from-file", "--from-literal"}},
    // systemctl enable --now
    {"deploy/systemd/parley.service", {"--now"}},
    // local-cluster's own option
    {"deploy/local-cluster", {"--port"}},
};

/// The files that start or configure nodes.
std::vector<std::string> deploy_files() {
  std::vector<std::string> files = {
      "deploy/docker/Dockerfile",      "deploy/compose.yaml",
      "deploy/systemd/parley.service", "deploy/systemd/parley.env",
      "deploy/local-cluster",          "deploy/haproxy/haproxy.cfg",
  };
  for (const auto& entry :
       std::filesystem::directory_iterator(repo_file("deploy/kubernetes")))
    if (entry.path().extension() == ".yaml")
      files.push_back("deploy/kubernetes/" +
                      entry.path().filename().string());
  return files;
}

std::set<std::string> node_flags() {
  auto help = run_command({node_binary(), "--help"});
  REQUIRE(help.exit_code == 0);
  return known_flags(help.output);
}

/// The flags of `text` that are neither the node's nor `exempt`, as
/// "FLAG (line N)".
std::vector<std::string> unknown_flags(const std::string& text,
                                       const std::set<std::string>& node,
                                       const std::set<std::string>& exempt) {
  std::vector<std::string> unknown;
  for (const auto& use : find_flags(text))
    if (node.count(use.flag) == 0 && exempt.count(use.flag) == 0)
      unknown.push_back(use.flag + " (line " + std::to_string(use.line) + ")");
  return unknown;
}

} // namespace

TEST_CASE("every flag in the deploy files is one the node accepts") {
  auto node = node_flags();
  for (const auto& file : deploy_files()) {
    auto exempt = other_tools_flags.count(file) != 0
                      ? other_tools_flags.at(file)
                      : std::set<std::string>{};
    CAPTURE(file);
    auto unknown = unknown_flags(read_text(repo_file(file)), node, exempt);
    // If one belongs to another tool, add it to other_tools_flags.
    CHECK(unknown == std::vector<std::string>{});
  }
}

TEST_CASE("the files that start nodes give every flag cluster mode needs") {
  const std::set<std::string> cluster_flags = {
      "--listen",          "--db",
      "--token-key-file",  "--cluster-listen",
      "--cluster-ca-file", "--cluster-cert-file",
      "--cluster-key-file"};
  // The systemd unit and its environment file start the node together.
  const std::map<std::string, std::vector<std::string>> starters = {
      {"compose", {"deploy/compose.yaml"}},
      {"kubernetes", {"deploy/kubernetes/statefulset.yaml"}},
      {"systemd",
       {"deploy/systemd/parley.service", "deploy/systemd/parley.env"}},
      {"local cluster", {"deploy/local-cluster"}},
  };
  for (const auto& [name, files] : starters) {
    std::set<std::string> used;
    for (const auto& file : files)
      for (const auto& use : find_flags(read_text(repo_file(file))))
        used.insert(use.flag);
    CAPTURE(name);
    for (const auto& flag : cluster_flags) {
      CAPTURE(flag);
      CHECK(used.count(flag) == 1);
    }
    // Containers and hosts advertise a name others can reach; loopback
    // nodes reach each other at the bound address.
    if (name != "local cluster") CHECK(used.count("--cluster-advertise") == 1);
  }
}

TEST_CASE("a misspelt flag is reported with its line") {
  auto node = node_flags();
  auto unknown =
      unknown_flags("parley \\\n  --listen 0.0.0.0:8080 \\\n  --cluster-lisen "
                    "0.0.0.0:7000\n",
                    node, {});
  CHECK(unknown == std::vector<std::string>{"--cluster-lisen (line 3)"});
}

TEST_CASE("a flag of another tool counts only where it is exempt") {
  auto node = node_flags();
  CHECK(unknown_flags("apt-get install --no-install-recommends x", node, {}) ==
        std::vector<std::string>{"--no-install-recommends (line 1)"});
  CHECK(unknown_flags("apt-get install --no-install-recommends x", node,
                      {"--no-install-recommends"})
            .empty());
}

TEST_CASE("the scan takes --name=value and word starts only") {
  auto found = find_flags("--db=postgresql://x a--b x---y \"--node-name\" --");
  REQUIRE(found.size() == 2);
  CHECK(found[0].flag == "--db");
  CHECK(found[1].flag == "--node-name");
  CHECK(known_flags("no flags here").empty());
}
