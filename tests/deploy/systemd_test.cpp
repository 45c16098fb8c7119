// deploy/systemd/parley.service: systemd accepts it (where systemd-analyze
// is installed; else those cases are skipped and say so), and it keeps the
// settings a node in production needs.
#include <cstdio>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::testing;

namespace {

bool analyze_missing() {
  static const bool missing = [] {
    bool absent = !program_available("systemd-analyze");
    if (absent)
      std::fprintf(stderr, "systemd-analyze is not installed: skipping the "
                           "unit's verification\n");
    return absent;
  }();
  return missing;
}

std::string unit_text() {
  return read_text(repo_file("deploy/systemd/parley.service"));
}

/// The value of the last "KEY=" line, empty when there is none.
std::string setting(const std::string& unit, const std::string& key) {
  std::istringstream lines{unit};
  std::string value;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(key + "=", 0) == 0) value = line.substr(key.size() + 1);
  return value;
}

/// systemd-analyze verify on `unit`, whose ExecStart points at the node
/// under test (verify insists that the executable exists).
command_result verify(std::string unit) {
  const std::string installed = "\nExecStart=/usr/local/bin/parley ";
  auto at = unit.find(installed);
  REQUIRE(at != std::string::npos);
  unit.replace(at, installed.size(),
               "\nExecStart=" + node_binary() + " ");
  temp_dir dir;
  write_text(dir.file("parley.service"), unit);
  return run_command({"systemd-analyze", "verify", dir.file("parley.service")});
}

} // namespace

TEST_CASE("systemd-analyze verify accepts the unit" *
          doctest::skip(analyze_missing())) {
  auto result = verify(unit_text());
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.empty());
}

TEST_CASE("systemd-analyze verify rejects a unit with a misspelt setting" *
          doctest::skip(analyze_missing())) {
  // Shows that the case above would catch one; verify only warns about
  // unknown keys, so the warning is what counts.
  auto result = verify(unit_text() + "[Service]\nRestrat=always\n");
  CHECK(result.output.find("Restrat") != std::string::npos);
}

TEST_CASE("the unit runs a dedicated user with a raised open-file limit, "
          "restarts on failure and is sandboxed") {
  auto unit = unit_text();
  CHECK(std::stol(setting(unit, "LimitNOFILE")) >= 65536);
  CHECK(setting(unit, "Restart") == "on-failure");
  CHECK(setting(unit, "User") == "parley");
  CHECK(setting(unit, "EnvironmentFile") == "/etc/parley/parley.env");
  CHECK(setting(unit, "NoNewPrivileges") == "yes");
  CHECK(setting(unit, "ProtectSystem") == "strict");
  CHECK(setting(unit, "ReadWritePaths") == "/var/lib/parley");
  CHECK(setting(unit, "WorkingDirectory") == "/var/lib/parley");
  CHECK(setting(unit, "PrivateTmp") == "yes");
  // SIGTERM drains: the stop timeout must leave the node its 5 s.
  CHECK(std::stoi(setting(unit, "TimeoutStopSec")) >= 10);
}
