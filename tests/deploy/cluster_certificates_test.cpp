// The cluster port lets in only nodes with a certificate the cluster's CA
// signed: nodes made by deploy/make-cluster-secrets link over mutual TLS,
// and a node that shares the database and the token key but holds another
// CA's certificate is never linked, never listed as a member, and does not
// serve (/readyz 503), whichever side opens the link.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/count_text.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

using namespace parley::testing;

namespace {

/// Nodes find each other within a few beats of the members table (1 s).
constexpr std::chrono::seconds membership_timeout{20};

/// A node without links serves nothing for 10 s, then says why it still
/// does not (cluster_view::link_grace plus a few beats).
constexpr std::chrono::seconds verdict_timeout{30};

/// make-cluster-secrets DIR NODE...: a CA, its node certificates and a
/// token key in DIR.
void make_secrets(const std::string& dir,
                  const std::vector<std::string>& nodes) {
  std::vector<std::string> argv = {repo_file("deploy/make-cluster-secrets"),
                                   dir};
  argv.insert(argv.end(), nodes.begin(), nodes.end());
  auto made = run_command(argv);
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
}

/// A cluster node named `name` with the certificate `certs` holds for it
/// and the CA of `certs`; the token key always comes from `key_dir`.
std::unique_ptr<node_process> start_node(const std::string& db_url,
                                         const std::string& key_dir,
                                         const std::string& certs,
                                         const std::string& name) {
  return std::make_unique<node_process>(std::vector<std::string>{
      "--db", db_url, "--token-key-file", key_dir + "/token.key",
      "--cluster-listen", "127.0.0.1:0", "--node-name", name,
      "--cluster-ca-file", certs + "/ca.pem", "--cluster-cert-file",
      certs + "/" + name + ".pem", "--cluster-key-file",
      certs + "/" + name + ".key"});
}

struct readiness {
  int status = 0;
  std::vector<std::string> members; ///< sorted
};

readiness readyz(node_process& node) {
  auto answer = http_request("127.0.0.1", node.port(), "GET", "/readyz");
  readiness seen{answer.status, {}};
  auto doc = parse_json(answer.body);
  if (doc.IsObject() && doc.HasMember("members") && doc["members"].IsArray())
    for (const auto& name : doc["members"].GetArray())
      seen.members.emplace_back(name.GetString());
  std::sort(seen.members.begin(), seen.members.end());
  return seen;
}

/// Polls /readyz until it answers 200 listing exactly `expected` (sorted).
bool wait_ready_with(node_process& node,
                     const std::vector<std::string>& expected) {
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto seen = readyz(node);
    if (seen.status == 200 && seen.members == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string logs_of(node_process& node) {
  return node.stdout_text() + node.stderr_text();
}

} // namespace

TEST_CASE("a node with another CA's certificate is never linked, never a "
          "member, and does not serve") {
  temp_dir cluster_secrets{"parley-cluster-ca"};
  // Each outsider's CA is its own, so that they cannot link to each other
  // either. "node2" sorts after the members, so they open the link to it;
  // "intruder" sorts before them, so it opens the links itself.
  temp_dir node2_secrets{"parley-node2-ca"};
  temp_dir intruder_secrets{"parley-intruder-ca"};
  make_secrets(cluster_secrets.path(), {"node0", "node1"});
  make_secrets(node2_secrets.path(), {"node2"});
  make_secrets(intruder_secrets.path(), {"intruder"});
  test_database database;

  auto node0 = start_node(database.url(), cluster_secrets.path(),
                          cluster_secrets.path(), "node0");
  auto node1 = start_node(database.url(), cluster_secrets.path(),
                          cluster_secrets.path(), "node1");
  const std::vector<std::string> members = {"node0", "node1"};
  REQUIRE_MESSAGE(wait_ready_with(*node0, members), logs_of(*node0));
  REQUIRE_MESSAGE(wait_ready_with(*node1, members), logs_of(*node1));

  auto node2 = start_node(database.url(), cluster_secrets.path(),
                          node2_secrets.path(), "node2");
  auto intruder = start_node(database.url(), cluster_secrets.path(),
                             intruder_secrets.path(), "intruder");

  // The members try, and say once that the link was refused.
  CHECK_MESSAGE(
      node0->wait_for_stdout("cannot link to node node2", membership_timeout),
      logs_of(*node0));
  CHECK_MESSAGE(intruder->wait_for_stdout("cannot link to node node0",
                                          membership_timeout),
                logs_of(*intruder));
  // After their grace, the outsiders say they do not serve, and why.
  REQUIRE_MESSAGE(node2->wait_for_stdout("not serving", verdict_timeout),
                  logs_of(*node2));
  REQUIRE_MESSAGE(intruder->wait_for_stdout("not serving", verdict_timeout),
                  logs_of(*intruder));

  for (auto* outsider : {node2.get(), intruder.get()}) {
    INFO(logs_of(*outsider));
    auto seen = readyz(*outsider);
    CHECK(seen.status == 503);
    CHECK(seen.members.size() == 1); // itself only
    CHECK(outsider->stdout_text().find("linked to node") == std::string::npos);
  }
  // The members, past their own grace long ago, serve with a quorum and
  // list only each other.
  for (auto* member : {node0.get(), node1.get()}) {
    INFO(logs_of(*member));
    auto seen = readyz(*member);
    CHECK(seen.status == 200);
    CHECK(seen.members == members);
    auto logs = member->stdout_text();
    CHECK(logs.find("linked to node node2") == std::string::npos);
    CHECK(logs.find("linked to node intruder") == std::string::npos);
    // Refused handshakes leave the members' own link alone.
    CHECK(logs.find("lost node") == std::string::npos);
    // One line per outsider, not one per beat.
    CHECK(count_of(logs, "cannot link to node node2") <= 1);
  }
}

TEST_CASE("parley ctl reaches a TLS cluster's admin actor with a certificate "
          "of the cluster's CA, and nothing without one") {
  temp_dir secrets{"parley-cluster-ca"};
  temp_dir foreign{"parley-foreign-ca"};
  make_secrets(secrets.path(), {"node0", "operator"});
  make_secrets(foreign.path(), {"operator"});
  test_database database;
  auto node0 =
      start_node(database.url(), secrets.path(), secrets.path(), "node0");
  REQUIRE_MESSAGE(wait_ready_with(*node0, {"node0"}), logs_of(*node0));
  REQUIRE(node0->cluster_port().has_value());
  auto address = "127.0.0.1:" + std::to_string(*node0->cluster_port());
  auto ctl_with = [&](const std::string& certs) {
    return run_to_exit({"ctl", "--node", address, "--json", "--cluster-ca-file",
                        certs + "/ca.pem", "--cluster-cert-file",
                        certs + "/operator.pem", "--cluster-key-file",
                        certs + "/operator.key", "status"},
                       std::chrono::seconds(60));
  };
  auto allowed = ctl_with(secrets.path());
  INFO("stdout: " << allowed.stdout_text
                  << "\nstderr: " << allowed.stderr_text);
  CHECK(allowed.exit_code == 0);
  CHECK(allowed.stdout_text.find(R"("node":"node0")") != std::string::npos);
  auto refused = ctl_with(foreign.path());
  CHECK(refused.exit_code == 1);
  CHECK(refused.stdout_text.empty());
  auto plain =
      run_to_exit({"ctl", "--node", address, "--timeout", "5", "status"},
                  std::chrono::seconds(60));
  CHECK(plain.exit_code == 1);
  CHECK(plain.stdout_text.empty());
  // The node is none the worse for the refused handshakes.
  CHECK(readyz(*node0).status == 200);
}
