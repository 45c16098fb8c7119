// Tests of node_process and run_to_exit, driving fake_node.sh as the node.
#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include <doctest/doctest.h>

#include "tests/support/node_process.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

TEST_CASE("a started node reports the port of its ready line") {
  node_process node{{}};
  CHECK(node.port() == 54321);
  CHECK(node.pid() > 0);
}

TEST_CASE("a node gets --listen and --admin-listen 127.0.0.1:0 unless its "
          "arguments name them") {
  node_process defaulted{{"--db", "x"}};
  CHECK(defaulted.stdout_text().find(
            "args: --db x --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0\n") !=
        std::string::npos);
  CHECK(defaulted.admin_port() == 54322);
  node_process explicit_listen{
      {"--listen", "127.0.0.2:7000", "--admin-listen", "off"}};
  CHECK(explicit_listen.port() == 7000);
  CHECK_FALSE(explicit_listen.admin_port().has_value());
  CHECK(explicit_listen.stdout_text().find(
            "args: --listen 127.0.0.2:7000 --admin-listen off\n") !=
        std::string::npos);
}

TEST_CASE("a node that exits before it is ready throws with its stderr") {
  CHECK_THROWS_WITH_AS(node_process({"--fail-with", "2"}),
                       doctest::Contains("asked to fail"), std::runtime_error);
}

TEST_CASE("a node that never gets ready throws once the timeout passes") {
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(node_process({"--never-ready"}, 300ms), std::runtime_error);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("wait_exit returns the exit status after a signal") {
  node_process node{{}};
  node.send_signal(SIGTERM);
  CHECK(node.wait_exit(10s) == 3);
  CHECK(node.stderr_text() == "stopping\n");
  CHECK(node.wait_exit(0ms) == 3);
}

TEST_CASE("wait_exit gives up while the node keeps running") {
  node_process node{{}};
  CHECK_FALSE(node.wait_exit(50ms).has_value());
}

TEST_CASE("a killed node reports 128 plus the signal number") {
  node_process node{{}};
  node.send_signal(SIGKILL);
  CHECK(node.wait_exit(10s) == 128 + SIGKILL);
}

TEST_CASE("a node flooding stderr still gets ready") {
  node_process node{{"--flood"}};
  CHECK(node.port() == 54321);
  CHECK(node.stderr_text().size() == 1024 * 1024);
}

TEST_CASE("run_to_exit returns the exit code and both outputs") {
  auto result = run_to_exit({"--fail-with", "7"}, 10s);
  CHECK(result.exit_code == 7);
  CHECK(result.stderr_text == "asked to fail\n");
  CHECK(
      result.stdout_text ==
      "args: --fail-with 7 --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0\n");
}

TEST_CASE("run_to_exit throws when the node does not exit in time") {
  CHECK_THROWS_AS(run_to_exit({}, 200ms), std::runtime_error);
}

TEST_CASE("node_binary throws when PARLEY_BINARY is unset") {
  std::string saved = std::getenv("PARLEY_BINARY");
  unsetenv("PARLEY_BINARY");
  CHECK_THROWS_AS(node_binary(), std::runtime_error);
  CHECK_THROWS_AS(node_process({}), std::runtime_error);
  setenv("PARLEY_BINARY", saved.c_str(), 1);
  CHECK(node_binary() == saved);
}
