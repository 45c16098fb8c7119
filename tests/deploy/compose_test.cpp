// docker-compose accepts deploy/compose.yaml. Debian's docker-compose
// validates without a Docker daemon; where it is not installed these cases
// are skipped (doctest counts them as skipped, ./dev test as neither passed
// nor failed) and say so.
#include <cstdio>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::testing;

namespace {

/// Decided before the cases register, since doctest's skip is static.
bool compose_missing() {
  static const bool missing = [] {
    bool absent = !program_available("docker-compose");
    if (absent)
      std::fprintf(stderr, "docker-compose is not installed (Debian package "
                           "docker-compose): skipping its checks\n");
    return absent;
  }();
  return missing;
}

/// A copy of deploy/compose.yaml (or `text`) with what it mounts beside it:
/// secrets/ as make-cluster-secrets makes them and haproxy/haproxy.cfg.
struct compose_dir {
  temp_dir root{"parley-compose"};
  std::string deploy = root.file("deploy");

  explicit compose_dir(const std::string& text) {
    std::filesystem::create_directories(deploy + "/haproxy");
    write_text(deploy + "/compose.yaml", text);
    std::filesystem::copy_file(repo_file("deploy/haproxy/haproxy.cfg"),
                               deploy + "/haproxy/haproxy.cfg");
    auto made = run_command({repo_file("deploy/make-cluster-secrets"),
                             "--readable", deploy + "/secrets", "node1",
                             "node2", "node3"});
    REQUIRE(made.exit_code == 0);
  }

  command_result config() const {
    return run_command({"docker-compose", "-f", deploy + "/compose.yaml",
                        "config", "--quiet"});
  }
};

} // namespace

TEST_CASE("docker-compose config accepts compose.yaml" *
          doctest::skip(compose_missing())) {
  compose_dir dir{read_text(repo_file("deploy/compose.yaml"))};
  auto result = dir.config();
  INFO(result.output);
  CHECK(result.exit_code == 0);
}

TEST_CASE("docker-compose config rejects a service with an unknown key" *
          doctest::skip(compose_missing())) {
  // Shows that the check above would catch a misspelt setting.
  auto text = read_text(repo_file("deploy/compose.yaml"));
  auto at = text.find("  haproxy:\n");
  REQUIRE(at != std::string::npos);
  text.insert(at + std::string("  haproxy:\n").size(), "    depend_on: []\n");
  compose_dir dir{text};
  CHECK(dir.config().exit_code != 0);
}
