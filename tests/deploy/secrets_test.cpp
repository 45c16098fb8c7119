// deploy/make-cluster-secrets makes a token key the node accepts and, per
// node, a certificate its CA verifies for both ends of a link.
#include <filesystem>
#include <string>
#include <vector>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/token_key_file.hpp"

using namespace parley::testing;

namespace {

command_result make_secrets(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {repo_file("deploy/make-cluster-secrets")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

/// openssl verify of `cert` against `ca` for one end of a TLS link
/// ("sslserver" or "sslclient").
bool verifies(const std::string& ca, const std::string& cert,
              const std::string& purpose) {
  return run_command({"openssl", "verify", "-CAfile", ca, "-purpose", purpose,
                      cert})
             .exit_code == 0;
}

unsigned mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

} // namespace

TEST_CASE("make-cluster-secrets makes a token key and certificates the CA "
          "verifies for both ends of a link, named after their nodes") {
  temp_dir dir;
  auto secrets = dir.file("secrets");
  auto made = make_secrets({"--domain", "parley-cluster.ns.svc.cluster.local",
                            secrets, "node1", "parley-0"});
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  CHECK_NOTHROW(key_from_hex(read_text(secrets + "/token.key").substr(0, 64)));
  CHECK(read_text(secrets + "/token.key").size() == 65); // 64 hex + newline
  for (std::string name : {"node1", "parley-0"}) {
    CAPTURE(name);
    auto cert = secrets + "/" + name + ".pem";
    CHECK(verifies(secrets + "/ca.pem", cert, "sslserver"));
    CHECK(verifies(secrets + "/ca.pem", cert, "sslclient"));
    auto subject = run_command({"openssl", "x509", "-in", cert, "-noout",
                                "-subject", "-ext", "subjectAltName"});
    CHECK(subject.output.find("CN = " + name + "\n") != std::string::npos);
    CHECK(subject.output.find("IP Address:127.0.0.1") != std::string::npos);
    CHECK(subject.output.find("DNS:" + name +
                              ".parley-cluster.ns.svc.cluster.local") !=
          std::string::npos);
    CHECK(mode_of(secrets + "/" + name + ".key") == 0600);
  }
  CHECK(mode_of(secrets) == 0700);
  CHECK(mode_of(secrets + "/ca.key") == 0600);
  CHECK_FALSE(std::filesystem::exists(secrets + "/ca.srl"));
}

TEST_CASE("--readable opens the node keys and the token key, not the CA key") {
  temp_dir dir;
  auto secrets = dir.file("secrets");
  REQUIRE(make_secrets({"--readable", secrets, "node1"}).exit_code == 0);
  CHECK(mode_of(secrets + "/node1.key") == 0644);
  CHECK(mode_of(secrets + "/token.key") == 0644);
  CHECK(mode_of(secrets + "/ca.key") == 0600);
}

TEST_CASE("a certificate from another cluster's CA does not verify") {
  temp_dir dir;
  REQUIRE(make_secrets({dir.file("a"), "node1"}).exit_code == 0);
  REQUIRE(make_secrets({dir.file("b"), "node1"}).exit_code == 0);
  CHECK_FALSE(verifies(dir.file("a/ca.pem"), dir.file("b/node1.pem"),
                       "sslclient"));
}

TEST_CASE("make-cluster-secrets never replaces secrets a cluster may hold") {
  temp_dir dir;
  auto secrets = dir.file("secrets");
  REQUIRE(make_secrets({secrets, "node1"}).exit_code == 0);
  auto ca = read_text(secrets + "/ca.pem");
  auto again = make_secrets({secrets, "node2"});
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("already holds cluster secrets") !=
        std::string::npos);
  CHECK(read_text(secrets + "/ca.pem") == ca);
  CHECK_FALSE(std::filesystem::exists(secrets + "/node2.pem"));
}

TEST_CASE("make-cluster-secrets refuses names the node would refuse, and "
          "makes nothing") {
  temp_dir dir;
  for (const auto& name : std::vector<std::string>{"node 1", "", std::string(65, 'n'), "node/1"}) {
    CAPTURE(name);
    CHECK(make_secrets({dir.file("secrets"), name}).exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("secrets")));
  }
  CHECK(make_secrets({dir.file("secrets")}).exit_code == 1);
  CHECK(make_secrets({"--bogus", dir.file("secrets"), "node1"}).exit_code ==
        1);
}
