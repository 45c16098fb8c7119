// HAProxy accepts deploy/haproxy/haproxy.cfg as compose uses it and as
// deploy/local-cluster renders it, and both keep WebSockets open and route
// only to ready nodes.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::testing;

namespace {

const std::string template_file = "deploy/haproxy/haproxy.cfg";

/// deploy/lib/haproxy.sh's render_haproxy_config with these arguments.
command_result render(const std::string& template_path,
                      const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      "bash", "-c",
      "source \"$0\" && render_haproxy_config \"$@\"",
      repo_file("deploy/lib/haproxy.sh"), template_path};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

/// haproxy -c; Debian installs it in /usr/sbin, which a user's PATH may
/// lack.
command_result check_config(const std::string& path) {
  std::string haproxy =
      program_available("haproxy") ? "haproxy" : "/usr/sbin/haproxy";
  return run_command({haproxy, "-c", "-f", path});
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("haproxy -c accepts the compose configuration") {
  auto result = check_config(repo_file(template_file));
  INFO(result.output);
  CHECK(result.exit_code == 0);
}

TEST_CASE("haproxy -c accepts the local cluster's rendering, which keeps the "
          "settings and replaces only the address and the servers") {
  auto rendered = render(repo_file(template_file),
                         {"127.0.0.1:18080", "node1=127.0.0.1:18081",
                          "node2=127.0.0.1:18082"});
  REQUIRE(rendered.exit_code == 0);
  const auto& text = rendered.output;
  CHECK(has_line(text, "  bind 127.0.0.1:18080"));
  CHECK(has_line(text, "  server node1 127.0.0.1:18081"));
  CHECK(has_line(text, "  server node2 127.0.0.1:18082"));
  CHECK(text.find("server node3") == std::string::npos);
  CHECK(text.find("bind *:8080") == std::string::npos);
  CHECK(has_line(text, "  option httpchk GET /readyz"));
  CHECK(has_line(text, "  timeout tunnel 1h"));
  temp_dir dir;
  write_text(dir.file("haproxy.cfg"), text);
  auto checked = check_config(dir.file("haproxy.cfg"));
  INFO(checked.output);
  CHECK(checked.exit_code == 0);
}

TEST_CASE("haproxy -c rejects a configuration with a misspelt keyword") {
  // Shows that the two checks above would catch a broken file.
  temp_dir dir;
  write_text(dir.file("haproxy.cfg"),
             read_text(repo_file(template_file)) + "  balanse roundrobin\n");
  CHECK(check_config(dir.file("haproxy.cfg")).exit_code != 0);
}

TEST_CASE("rendering a template without server lines fails") {
  temp_dir dir;
  write_text(dir.file("template.cfg"),
             "frontend f\n  bind *:8080\n  default_backend b\nbackend b\n");
  CHECK(render(dir.file("template.cfg"),
               {"127.0.0.1:1", "node1=127.0.0.1:2"})
            .exit_code != 0);
}
