// `parley ctl`'s command line (see ctl_options.hpp).
#include "gateway/ctl/ctl_options.hpp"

#include <string_view>
#include <vector>

#include "gateway/flag_values.hpp"

namespace parley::ctl {

namespace {

struct command_name {
  std::string_view name;
  command what;
  bool takes_user;
};

constexpr command_name commands[] = {
    {"status", command::status, false},
    {"cluster", command::cluster, false},
    {"user", command::user, true},
    {"disconnect", command::disconnect, true},
    {"drain", command::drain, false},
    {"metrics", command::metrics, false},
};

} // namespace

std::variant<ctl_options, help_requested, std::string>
parse_ctl_options(int argc, char** argv) {
  ctl_options result;
  bool node_given = false;
  std::vector<std::string_view> words;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag{argv[i]};
    if (flag == "--help" || flag == "-h") return help_requested{};
    if (flag == "--json") {
      result.json = true;
      continue;
    }
    if (flag.substr(0, 2) != "--") {
      words.push_back(flag);
      continue;
    }
    std::string_view value;
    if (auto eq = flag.find('='); eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else {
      if (i + 1 >= argc) return "missing value for " + std::string{flag};
      value = argv[++i];
    }
    auto bad = [&](const char* what) {
      return "invalid value '" + std::string{value} + "' for " +
             std::string{flag} + ": " + what;
    };
    if (flag == "--node") {
      if (!parse_host_port(value, result.host, result.port) || result.port == 0)
        return bad("expected the node's cluster address, HOST:PORT");
      node_given = true;
    } else if (flag == "--timeout") {
      auto n = parse_integer(value, 1, 300);
      if (!n) return bad("expected seconds, 1 to 300");
      result.timeout_seconds = *n;
    } else if (flag == "--cluster-ca-file") {
      result.ca_file = std::string{value};
    } else if (flag == "--cluster-cert-file") {
      result.cert_file = std::string{value};
    } else if (flag == "--cluster-key-file") {
      result.key_file = std::string{value};
    } else {
      return "unknown flag " + std::string{flag} + " (see parley ctl --help)";
    }
  }
  if (!node_given)
    return std::string{"--node HOST:PORT is required: the "
                       "node's cluster address"};
  auto tls_files = !result.ca_file.empty() + !result.cert_file.empty() +
                   !result.key_file.empty();
  if (tls_files != 0 && tls_files != 3)
    return std::string{"cluster TLS needs all of --cluster-ca-file, "
                       "--cluster-cert-file and --cluster-key-file"};
  if (words.empty())
    return std::string{"a command is required: status, cluster, user NAME, "
                       "disconnect NAME, drain or metrics"};
  for (const auto& known : commands) {
    if (words.front() != known.name) continue;
    result.what = known.what;
    auto wanted = known.takes_user ? 2u : 1u;
    if (words.size() != wanted)
      return std::string{known.name} + (known.takes_user
                                            ? " takes one argument: a username"
                                            : " takes no argument");
    if (known.takes_user) result.username = std::string{words[1]};
    return result;
  }
  return "unknown command " + std::string{words.front()} +
         " (status, cluster, user, disconnect, drain, metrics)";
}

std::string ctl_usage_text() {
  return R"(usage: parley ctl --node HOST:PORT [options] COMMAND

Asks a running node's admin actor over the cluster link (CAF's middleman on
the node's --cluster-listen port), the way ejabberdctl talks to a node.
A node without cluster mode (e.g. on SQLite) has no cluster port: use its
HTTP admin view instead (curl http://127.0.0.1:9090/admin/node).

commands:
  status            this node: actors, writer queue and last batches,
                    database, limits
  cluster           every member: incarnation, address, heartbeat, link,
                    reachability; the last membership events
  user NAME         the user's connections on every node, and what waits
                    for the user
  disconnect NAME   closes the user's connections on every node (4001)
  drain             the node stops taking clients: /readyz answers 503 and
                    its connections close with 1001
  metrics           the node's Prometheus page

options:
  --node HOST:PORT          the node's cluster address (required)
  --json                    print the admin actor's JSON as it is
  --timeout SECONDS         give up after this long (default 10)
  --cluster-ca-file PATH    the cluster's mutual TLS files, when its links
  --cluster-cert-file PATH  use them (the same as the nodes')
  --cluster-key-file PATH

exit status: 0 done, 1 the node could not answer (or no such user),
2 a usage error.
)";
}

} // namespace parley::ctl
