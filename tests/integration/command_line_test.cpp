// The node's command line: every mistake is one line on stderr and a
// non-zero exit; --help is not a mistake.
#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// A node that refuses to start must say so well within this.
constexpr auto exit_timeout = 60s;

/// True when `text` is exactly one non-empty line (a final newline allowed).
bool one_line(const std::string& text) {
  auto body = text;
  if (!body.empty() && body.back() == '\n') body.pop_back();
  return !body.empty() && body.find('\n') == std::string::npos;
}

/// Runs the node on a fresh database with the fixed key and `extra` flags.
process_result run_with(std::vector<std::string> extra) {
  test_database database;
  token_key_file key;
  std::vector<std::string> args{"--db", database.url(), "--token-key-file",
                                key.path()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_to_exit(args, exit_timeout);
}

/// Checks the shape every start-up failure shares.
void check_refused(const process_result& result, const std::string& mention) {
  INFO("stderr: " << result.stderr_text);
  CHECK(result.exit_code != 0);
  CHECK(one_line(result.stderr_text));
  CHECK(result.stderr_text.find(mention) != std::string::npos);
}

} // namespace

TEST_CASE("--help prints the usage on stdout and exits 0") {
  auto result = run_to_exit({"--help"}, exit_timeout);
  CHECK(result.exit_code == 0);
  CHECK(result.stdout_text.find("--listen") != std::string::npos);
  CHECK(result.stdout_text.find("--token-key-file") != std::string::npos);
}

TEST_CASE("an unknown flag is refused in one line that names it") {
  check_refused(run_with({"--no-such-flag", "1"}), "--no-such-flag");
}

TEST_CASE("a flag without its value is refused") {
  check_refused(run_with({"--token-ttl"}), "--token-ttl");
}

TEST_CASE("a --listen without a port is refused") {
  check_refused(run_with({"--listen", "127.0.0.1"}), "--listen");
}

TEST_CASE("a --listen with a port out of range is refused") {
  check_refused(run_with({"--listen", "127.0.0.1:65536"}), "--listen");
}

TEST_CASE("numeric flags refuse text, zero and negative values") {
  check_refused(run_with({"--token-ttl", "soon"}), "--token-ttl");
  check_refused(run_with({"--token-ttl", "0"}), "--token-ttl");
  check_refused(run_with({"--max-content-bytes", "-1"}), "--max-content-bytes");
  check_refused(run_with({"--max-frame-bytes", "12x"}), "--max-frame-bytes");
}

TEST_CASE("a --db URL of an unknown kind is refused") {
  token_key_file key;
  auto result = run_to_exit(
      {"--db", "mysql://root@127.0.0.1/parley", "--token-key-file", key.path()},
      exit_timeout);
  check_refused(result, "--db");
}

TEST_CASE("an unreachable PostgreSQL server stops the node with one line") {
  token_key_file key;
  // Port 1 is privileged and unused: the connection is refused at once.
  auto result = run_to_exit({"--db", "postgresql://postgres@127.0.0.1:1/x",
                             "--token-key-file", key.path()},
                            exit_timeout);
  INFO("stderr: " << result.stderr_text);
  CHECK(result.exit_code != 0);
  CHECK(one_line(result.stderr_text));
}

TEST_CASE("a port already in use stops the second node with one line") {
  running_node first;
  auto result =
      run_with({"--listen", "127.0.0.1:" + std::to_string(first.port())});
  INFO("stderr: " << result.stderr_text);
  CHECK(result.exit_code != 0);
  CHECK(one_line(result.stderr_text));
  CHECK(first.get("/healthz").status == 200);
}

TEST_CASE("a missing token key file is refused") {
  test_database database;
  temp_dir dir;
  auto result = run_to_exit(
      {"--db", database.url(), "--token-key-file", dir.file("absent.key")},
      exit_timeout);
  check_refused(result, "absent.key");
}

TEST_CASE("a token key file that is not 64 hex characters is refused") {
  for (const auto& text :
       {std::string("not a key"), std::string(63, 'a'), std::string(65, 'a'),
        std::string(64, 'g'), std::string()}) {
    CAPTURE(text);
    test_database database;
    token_key_file key{text};
    auto result = run_to_exit(
        {"--db", database.url(), "--token-key-file", key.path()}, exit_timeout);
    INFO("stderr: " << result.stderr_text);
    CHECK(result.exit_code != 0);
    CHECK(one_line(result.stderr_text));
  }
}

TEST_CASE("a node with valid flags starts and answers") {
  running_node node{{"--token-ttl", "60", "--max-content-bytes", "100",
                     "--max-frame-bytes", "1024"}};
  CHECK(node.port() != 0);
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("cluster mode refuses SQLite, a missing token key, and a public "
          "address without TLS, each in one line") {
  token_key_file key;
  auto pg = "postgresql://parley@127.0.0.1:1/parley";
  check_refused(run_to_exit({"--db", "sqlite:/tmp/x.db", "--token-key-file",
                             key.path(), "--cluster-listen", "127.0.0.1:0"},
                            exit_timeout),
                "postgresql");
  check_refused(run_to_exit({"--db", pg, "--cluster-listen", "127.0.0.1:0"},
                            exit_timeout),
                "--token-key-file");
  check_refused(run_to_exit({"--db", pg, "--token-key-file", key.path(),
                             "--cluster-listen", "0.0.0.0:7000"},
                            exit_timeout),
                "--cluster-insecure");
  check_refused(run_to_exit({"--db", pg, "--token-key-file", key.path(),
                             "--cluster-listen", "127.0.0.1:0",
                             "--cluster-ca-file", "/tmp/ca.pem"},
                            exit_timeout),
                "--cluster-cert-file");
  check_refused(run_to_exit({"--db", pg, "--token-key-file", key.path(),
                             "--node-name", "a b"},
                            exit_timeout),
                "--node-name");
  check_refused(run_to_exit({"--db", pg, "--node-name", "solo"}, exit_timeout),
                "--cluster-listen");
}

TEST_CASE("a single node answers /readyz when its database answers") {
  running_node node;
  auto response = node.get("/readyz");
  CHECK(response.status == 200);
  CHECK(response.body ==
        R"({"status":"ready","node":"standalone","members":["standalone"]})");
}
