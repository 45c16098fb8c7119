// deploy/local-cluster end to end: up starts the nodes and HAProxy, they
// share the database and the token key, status reports them, a second up is
// refused, and down leaves no process, database or file behind.
#include <arpa/inet.h>
#include <filesystem>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/local_cluster.hpp"
#include "tests/support/count_text.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"

using namespace parley::testing;

namespace {

/// A socket listening on a loopback port, so that nothing else can.
struct occupied_port {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  unsigned short port = 0;

  occupied_port() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(listen(fd, 1) == 0);
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
  }
  ~occupied_port() { close(fd); }
};

} // namespace

TEST_CASE("up runs three nodes behind HAProxy on one database and key, "
          "status shows them, and down leaves nothing behind") {
  local_cluster cluster;
  auto port = std::to_string(free_port());
  auto up = cluster.run({"up", "3", "--port", port});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  CHECK(up.output.find("local cluster up: 3 nodes behind HAProxy") !=
        std::string::npos);

  auto processes = cluster.processes();
  REQUIRE(processes.size() == 4);
  for (const auto& process : processes) {
    CAPTURE(process.name);
    CHECK(process_alive(process.pid));
  }
  CHECK(processes[3].name == "haproxy");
  CHECK(processes[3].address == "127.0.0.1:" + port);
  auto postgres = cluster.postgres_dir();
  REQUIRE_FALSE(postgres.empty());
  CHECK(std::filesystem::exists(postgres + "/data"));

  // One database and one token key: an account made on node1 logs in on
  // node2, and node3 accepts node2's token.
  auto node = [&](int i) { return port_of(processes[i].address); };
  for (int i = 0; i < 3; ++i)
    CHECK(http_request("127.0.0.1", node(i), "GET", "/healthz").status == 200);
  auto created = http_request(
      "127.0.0.1", node(0), "POST", "/users",
      json_object({{"username", "carol"}, {"password", "correct horse"}}));
  CHECK(created.status == 201);
  auto login = http_request(
      "127.0.0.1", node(1), "POST", "/login",
      json_object({{"username", "carol"}, {"password", "correct horse"}}));
  REQUIRE(login.status == 200);
  auto token = string_member(parse_json(login.body), "access_token");
  REQUIRE(token);
  CHECK(http_request("127.0.0.1", node(2), "GET", "/users/carol", {},
                     bearer(*token))
            .status == 200);
  // HAProxy answers; whether it routes depends on /readyz, which
  // local_cluster_ready_test checks.
  auto through = http_request("127.0.0.1", port_of(processes[3].address), "GET",
                              "/healthz");
  CHECK((through.status == 200 || through.status == 503));

  auto again = cluster.run({"up", "2"});
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("already up") != std::string::npos);
  CHECK(cluster.processes().size() == 4);
  for (const auto& process : processes)
    CHECK(process_alive(process.pid));

  auto status = cluster.run({"status"});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(count_of(status.output, " running ") == 5); // 4 + PostgreSQL

  auto down = cluster.run({"down"});
  INFO(down.output);
  CHECK(down.exit_code == 0);
  for (const auto& process : processes) {
    CAPTURE(process.name);
    CHECK_FALSE(process_alive(process.pid));
  }
  CHECK_FALSE(std::filesystem::exists(postgres));
  CHECK(processes_mentioning(postgres).empty());
  CHECK_FALSE(std::filesystem::exists(cluster.state()));
  CHECK(cluster.run({"status"}).exit_code == 3);
}

TEST_CASE("up refuses a port that is taken and starts nothing") {
  occupied_port taken;
  local_cluster cluster;
  auto up = cluster.run({"up", "2", "--port", std::to_string(taken.port)});
  INFO(up.output);
  CHECK(up.exit_code == 1);
  CHECK(up.output.find(std::to_string(taken.port) + " is taken") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(cluster.state()));
}

TEST_CASE("when a node fails to start, up stops the nodes it started and "
          "removes its state") {
  // node2 fails through a wrapper around the real node; node1 starts.
  temp_dir dir;
  auto wrapper = dir.file("parley-but-node2");
  write_text(wrapper, "#!/bin/bash\n"
                      "if [[ \" $* \" == *\" node2 \"* ]]; then\n"
                      "  echo 'parley: node2 refused by the test' >&2; exit 1\n"
                      "fi\n"
                      "exec '" +
                          node_binary() + "' \"$@\"\n");
  std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
  test_database database;
  local_cluster cluster;
  cluster.use_binary(wrapper);
  auto up = cluster.run({"up", "3", "--port", std::to_string(free_port()),
                         "--db", database.url()});
  INFO(up.output);
  CHECK(up.exit_code == 1);
  CHECK(up.output.find("node2 refused by the test") != std::string::npos);
  CHECK(up.output.find("node2 did not start") != std::string::npos);
  CHECK(up.output.find("stopping what it started") != std::string::npos);
  CHECK(processes_mentioning(cluster.state()).empty());
  CHECK_FALSE(std::filesystem::exists(cluster.state()));
}

TEST_CASE("up refuses a bad node count, port or option and starts nothing") {
  local_cluster cluster;
  for (auto args :
       std::vector<std::vector<std::string>>{{"up", "0"},
                                             {"up", "17"},
                                             {"up", "3", "--port", "70000"},
                                             {"up", "--port"},
                                             {"up", "--bogus"},
                                             {"sideways"}}) {
    CAPTURE(args.back());
    auto result = cluster.run(args);
    CHECK(result.exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(cluster.state()));
  }
}

TEST_CASE("status and down without a cluster say so and change nothing") {
  local_cluster cluster;
  auto status = cluster.run({"status"});
  CHECK(status.exit_code == 3);
  CHECK(status.output.find("no local cluster is up") != std::string::npos);
  auto down = cluster.run({"down"});
  CHECK(down.exit_code == 0);
  CHECK(down.output.find("no local cluster is up") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(cluster.state()));
}
