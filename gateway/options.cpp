// Command-line parsing: strict, with one-line errors that name the flag.
#include "gateway/options.hpp"

#include <cctype>
#include <limits>
#include <string_view>

#include "gateway/flag_values.hpp"

namespace parley {

namespace {

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

/// A node name goes into logs, the members table and URLs: keep it plain.
bool valid_node_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

/// Rules that tie flags together, checked after all were read.
std::optional<std::string> check_cluster(const options& opts) {
  const auto& c = opts.cluster;
  bool any_tls =
      !c.ca_file.empty() || !c.cert_file.empty() || !c.key_file.empty();
  if (!c.enabled) {
    if (any_tls || c.insecure || !c.node_name.empty() ||
        !c.advertise_host.empty())
      return "cluster flags need --cluster-listen HOST:PORT";
    return std::nullopt;
  }
  auto db = std::string_view{opts.db_url};
  if (db.substr(0, 13) != "postgresql://" && db.substr(0, 11) != "postgres://")
    return "cluster mode needs --db postgresql://... (SQLite is single-node)";
  if (opts.token_key_file.empty())
    return "cluster mode needs --token-key-file, shared by every node, so "
           "that tokens from one node are accepted by all";
  if (any_tls &&
      (c.ca_file.empty() || c.cert_file.empty() || c.key_file.empty()))
    return "cluster TLS needs all of --cluster-ca-file, --cluster-cert-file "
           "and --cluster-key-file";
  if (!any_tls && !c.insecure && !is_loopback(c.listen_host))
    return "--cluster-listen " + c.listen_host +
           " is not loopback: give --cluster-ca-file, --cluster-cert-file "
           "and --cluster-key-file (mutual TLS), or --cluster-insecure to "
           "let anyone who reaches the port join the cluster";
  return std::nullopt;
}

/// The admin listener's rules, checked after all flags were read.
std::optional<std::string> check_admin(const admin_options& admin) {
  if (!admin.enabled) {
    if (!admin.token_file.empty())
      return "--admin-token-file needs the admin listener (not "
             "--admin-listen off)";
    return std::nullopt;
  }
  if (admin.token_file.empty() && !is_loopback(admin.listen_host))
    return "--admin-listen " + admin.listen_host +
           " is not loopback: give --admin-token-file with the bearer token "
           "the admin endpoints require";
  return std::nullopt;
}

bool valid_db_url(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    return url.substr(0, prefix.size()) == prefix;
  };
  if (starts("sqlite:")) return url.size() > 7;
  return starts("postgresql://") || starts("postgres://");
}

} // namespace

std::string usage_text() {
  return R"(Usage: parley [options]

Parley chat node: HTTP API and WebSocket messaging on one port.

Options:
  --listen HOST:PORT         address to serve on (default 127.0.0.1:8080;
                             port 0 picks a free port)
  --db URL                   sqlite:PATH (default sqlite:var/parley.db) or
                             postgresql://user[:password]@host[:port]/dbname
  --token-key-file PATH      file with 64 hex characters (32-byte token key);
                             without it a random key is made and tokens do
                             not survive a restart
  --token-ttl SECONDS        lifetime of access tokens (default 86400)
  --max-content-bytes N      largest message content in UTF-8 bytes
                             (default 4096)
  --max-frame-bytes N        largest WebSocket message; larger ones close
                             the connection with 1009 (default 65536)
  --net-threads N            threads serving sockets (default 1)
  --actor-threads N          CAF scheduler threads (default 2)
  --hash-workers N           concurrent password hashes (default 2)
  --max-pending-frames N     frames all sessions may have unanswered before
                             the node stops reading from clients (default
                             4096)

Cluster (all nodes share one PostgreSQL and one token key):
  --cluster-listen HOST:PORT node links (CAF) on this address: turns
                             cluster mode on; port 0 picks a free port
  --cluster-advertise HOST:PORT
                             the address peers should connect to, when not
                             the bound one (containers, NAT)
  --node-name NAME           unique among live nodes (default: host-port of
                             the cluster address)
  --cluster-ca-file PATH     CA that signed every node's certificate; with
  --cluster-cert-file PATH   this node's certificate and
  --cluster-key-file PATH    its key: mutual TLS between nodes
  --cluster-insecure         allow plain links on a non-loopback address
                             (anyone who reaches the port can join)
  --cluster-max-in-flight N  messages sent to another node and not yet
                             confirmed before routes to it stop and it
                             catches up from the database (default 10000)

Operators:
  --admin-listen HOST:PORT   GET /metrics (Prometheus) and /admin/* on this
                             address, never on the public one (default
                             127.0.0.1:9090; a default port that is taken
                             only gets a warning; "off" turns it off)
  --admin-token-file PATH    file with the bearer token the admin
                             endpoints require (needed off loopback)
  --help                     show this text
)";
}

std::variant<options, help_requested, std::string> parse_options(int argc,
                                                                 char** argv) {
  options result;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    if (auto eq = flag.find('=');
        flag.substr(0, 2) == "--" && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (flag != "--help" && flag != "-h" &&
               flag != "--cluster-insecure") {
      if (i + 1 >= argc) return "missing value for " + std::string{flag};
      value = argv[++i];
    }
    auto bad = [&](const char* what) {
      return "invalid value '" + std::string{value} + "' for " +
             std::string{flag} + ": " + what;
    };
    auto count = [&](std::int64_t min,
                     std::int64_t max) -> std::optional<std::int64_t> {
      return parse_integer(value, min, max);
    };
    if (flag == "--help" || flag == "-h") return help_requested{};
    if (flag == "--listen") {
      if (!parse_host_port(value, result.listen_host, result.listen_port))
        return bad("expected HOST:PORT with PORT in 0-65535");
    } else if (flag == "--db") {
      if (!valid_db_url(value))
        return bad("expected sqlite:PATH or postgresql://...");
      result.db_url = std::string{value};
    } else if (flag == "--token-key-file") {
      if (value.empty()) return bad("expected a path");
      result.token_key_file = std::string{value};
    } else if (flag == "--token-ttl") {
      auto n = count(1, std::int64_t{10} * 365 * 86400);
      if (!n) return bad("expected seconds, 1 to 10 years");
      result.token_ttl_seconds = *n;
    } else if (flag == "--max-content-bytes") {
      auto n = count(1, 1024 * 1024);
      if (!n) return bad("expected bytes, 1 to 1048576");
      result.max_content_bytes = static_cast<std::size_t>(*n);
    } else if (flag == "--max-frame-bytes") {
      auto n = count(256, 16 * 1024 * 1024);
      if (!n) return bad("expected bytes, 256 to 16777216");
      result.max_frame_bytes = static_cast<std::size_t>(*n);
    } else if (flag == "--net-threads" || flag == "--actor-threads" ||
               flag == "--hash-workers") {
      auto n = count(1, 64);
      if (!n) return bad("expected a count, 1 to 64");
      auto& field = flag == "--net-threads"     ? result.net_threads
                    : flag == "--actor-threads" ? result.actor_threads
                                                : result.hash_workers;
      field = static_cast<std::size_t>(*n);
    } else if (flag == "--max-pending-frames") {
      auto n = count(1, 1000000);
      if (!n) return bad("expected a count, 1 to 1000000");
      result.max_pending_frames = static_cast<std::size_t>(*n);
    } else if (flag == "--cluster-listen") {
      if (!parse_host_port(value, result.cluster.listen_host,
                           result.cluster.listen_port))
        return bad("expected HOST:PORT with PORT in 0-65535");
      result.cluster.enabled = true;
    } else if (flag == "--cluster-advertise") {
      if (!parse_host_port(value, result.cluster.advertise_host,
                           result.cluster.advertise_port) ||
          result.cluster.advertise_port == 0)
        return bad("expected HOST:PORT with PORT in 1-65535");
    } else if (flag == "--node-name") {
      if (!valid_node_name(value))
        return bad("expected 1-64 letters, digits, '-', '_' or '.'");
      result.cluster.node_name = std::string{value};
    } else if (flag == "--cluster-ca-file" || flag == "--cluster-cert-file" ||
               flag == "--cluster-key-file") {
      if (value.empty()) return bad("expected a path");
      auto& field = flag == "--cluster-ca-file"     ? result.cluster.ca_file
                    : flag == "--cluster-cert-file" ? result.cluster.cert_file
                                                    : result.cluster.key_file;
      field = std::string{value};
    } else if (flag == "--cluster-max-in-flight") {
      auto n = count(16, 10000000);
      if (!n) return bad("expected a count, 16 to 10000000");
      result.cluster.max_in_flight = static_cast<std::uint64_t>(*n);
    } else if (flag == "--admin-listen") {
      if (value == "off") {
        result.admin.enabled = false;
      } else {
        if (!parse_host_port(value, result.admin.listen_host,
                             result.admin.listen_port))
          return bad("expected HOST:PORT with PORT in 0-65535, or off");
        result.admin.enabled = true;
        result.admin.address_given = true;
      }
    } else if (flag == "--admin-token-file") {
      if (value.empty()) return bad("expected a path");
      result.admin.token_file = std::string{value};
    } else if (flag == "--cluster-insecure") {
      if (!value.empty()) return "--cluster-insecure takes no value";
      result.cluster.insecure = true;
    } else {
      return "unknown option " + std::string{flag} + " (see --help)";
    }
  }
  if (auto err = check_cluster(result)) return *err;
  if (auto err = check_admin(result.admin)) return *err;
  return result;
}

} // namespace parley
