// parley: one chat node. Parses flags, opens the database, binds the port,
// starts the actors and the network threads, and shuts down gracefully on
// SIGINT/SIGTERM: stop accepting, close connections with 1001, let every
// session finish, commit what was accepted, exit 0.
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/all.hpp>

#include "actors/admin/admin.hpp"
#include "actors/cluster/cluster_node.hpp"
#include "actors/hash_helper.hpp"
#include "gateway/admin/metrics_page.hpp"
#include "gateway/admin/node_facts.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/ctl/ctl_main.hpp"
#include "gateway/node_context.hpp"
#include "gateway/server/connection_set.hpp"
#include "gateway/server/listener.hpp"
#include "persistence/database_url.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace {

namespace net = boost::asio;
using namespace parley;

/// Password hashing runs in helper processes of this very executable.
constexpr const char* hash_helper_executable = "/proc/self/exe";

/// Sessions get this long to finish after their sockets were closed.
constexpr auto session_drain_timeout = std::chrono::seconds(5);

constexpr std::uint16_t close_going_away = 1001;

/// The others removed this node from the cluster (e.g. it was frozen): its
/// clients reconnect and resume.
constexpr std::uint16_t close_service_restart = 1012;

int fail(const std::string& message) {
  std::cerr << "parley: " << message << std::endl;
  return 1;
}

std::variant<auth::paseto_key, std::string> load_key(const options& opts) {
  if (opts.token_key_file.empty()) {
    std::cerr << "parley: warning: no --token-key-file; using a random key, "
                 "so tokens will not survive a restart"
              << std::endl;
    return auth::random_key();
  }
  std::ifstream in{opts.token_key_file};
  if (!in) return "cannot read token key file " + opts.token_key_file;
  std::string text{std::istreambuf_iterator<char>{in},
                   std::istreambuf_iterator<char>{}};
  auto key = auth::parse_key_hex(text);
  if (!key)
    return "token key file " + opts.token_key_file +
           " must hold 64 hex characters (32 bytes)";
  return *key;
}

/// Reads the admin token file (one line, 16 to 512 visible characters)
/// into `token`; the error, if any.
std::optional<std::string> load_admin_token(const options& opts,
                                            std::string& token) {
  const auto& path = opts.admin.token_file;
  if (path.empty()) return std::nullopt;
  std::ifstream in{path};
  if (!in) return "cannot read admin token file " + path;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  bool visible = !token.empty();
  for (char c : token)
    visible = visible && c > ' ' && c < 127;
  if (!visible || token.size() < 16 || token.size() > 512)
    return "admin token file " + path +
           " must hold one line of 16 to 512 visible ASCII characters";
  return std::nullopt;
}

std::variant<net::ip::tcp::endpoint, std::string>
resolve_listen(net::io_context& ioc, const std::string& host,
               std::uint16_t port) {
  boost::system::error_code ec;
  net::ip::tcp::resolver resolver{ioc};
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty())
    return "cannot resolve listen address " + host + ": " + ec.message();
  return results.begin()->endpoint();
}

/// The admin listener (GET /metrics, /admin/*), or none: when the default
/// address is taken (e.g. by another node on this machine) the node runs
/// without it and says so; an address the operator gave must work.
std::variant<std::shared_ptr<listener>, std::string>
open_admin_listener(net::io_context& ioc, node_context& node,
                    connection_set& connections) {
  const auto& admin = node.opts.admin;
  if (!admin.enabled) return std::shared_ptr<listener>{};
  auto where = admin.listen_host + ":" + std::to_string(admin.listen_port);
  auto at = resolve_listen(ioc, admin.listen_host, admin.listen_port);
  if (auto* err = std::get_if<std::string>(&at)) return *err;
  auto server =
      std::make_shared<listener>(ioc, node, connections, http_role::admin);
  auto ec = server->open(std::get<net::ip::tcp::endpoint>(at));
  if (!ec) return server;
  if (admin.address_given)
    return "cannot listen on admin address " + where + ": " + ec.message();
  std::cerr << "parley: warning: the default admin address " << where
            << " is taken (" << ec.message()
            << "); running without /metrics; give --admin-listen HOST:PORT "
               "or --admin-listen off"
            << std::endl;
  return std::shared_ptr<listener>{};
}

/// The admin actor, with what only the gateway knows; in a cluster the
/// peers actor hands it to other nodes and to `parley ctl`.
caf::actor spawn_admin(caf::actor_system& sys, node_context& node,
                       connection_set& connections,
                       const std::optional<cluster_node>& member) {
  admin_config config;
  config.node = member ? member->me.name : "standalone";
  config.version = admin::build_version();
  auto location = persistence::parse_database_url(node.opts.db_url);
  config.backend =
      location &&
              std::holds_alternative<persistence::sqlite_location>(*location)
          ? "sqlite"
          : "postgresql";
  config.actors = node.actors;
  config.peers = member ? member->peers : caf::actor{};
  config.view = node.cluster;
  config.hooks.limits = [&node] { return admin::encode_limits(node.opts); };
  config.hooks.metrics_page = [&node] { return admin::metrics_page(node); };
  config.hooks.connections = [&connections] { return connections.size(); };
  config.hooks.draining = [&node] { return node.draining.load(); };
  config.hooks.drain = [&node, &connections] {
    // /readyz fails first, so that balancers stop sending before the
    // clients, closed with 1001, reconnect.
    node.draining = true;
    auto open = connections.size();
    connections.close_all(close_going_away,
                          "node draining; reconnect to another node");
    std::cerr << "parley: draining: closed " << open
              << " connections; /readyz answers 503" << std::endl;
    return open;
  };
  auto admin = sys.spawn(admin_impl, std::move(config));
  if (member) caf::anon_send(member->peers, admin_atom::value, admin);
  return admin;
}

cluster_settings cluster_settings_of(const options& opts) {
  const auto& c = opts.cluster;
  cluster_settings settings;
  settings.listen_host = c.listen_host;
  settings.listen_port = c.listen_port;
  settings.advertise_host = c.advertise_host;
  settings.advertise_port = c.advertise_port;
  settings.node_name = c.node_name;
  settings.db_url = opts.db_url;
  settings.ca_file = c.ca_file;
  settings.cert_file = c.cert_file;
  settings.key_file = c.key_file;
  settings.max_in_flight = c.max_in_flight;
  return settings;
}

/// Everything after a successful parse; returns the exit code.
int run_node(const options& opts) {
  auto key = load_key(opts);
  if (auto* err = std::get_if<std::string>(&key)) return fail(*err);
  auto writer_db = persistence::open_store(opts.db_url);
  if (!writer_db)
    return fail("cannot open database: " + message_of(writer_db.error()));
  auto reader_db = persistence::open_store(opts.db_url);
  if (!reader_db)
    return fail("cannot open database: " + message_of(reader_db.error()));
  std::string admin_token;
  if (auto err = load_admin_token(opts, admin_token)) return fail(*err);
  net::io_context ioc{static_cast<int>(opts.net_threads)};
  auto endpoint = resolve_listen(ioc, opts.listen_host, opts.listen_port);
  if (auto* err = std::get_if<std::string>(&endpoint)) return fail(*err);
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::parley>();
  cfg.set("scheduler.max-threads", opts.actor_threads);
  // Work stealing (CAF's default), chosen deliberately. Measured on two
  // cores, closed loop, 100 users, W=10, SQLite: "sharing" (workers sleep
  // on a condition variable instead of polling) used ~15 % less CPU per
  // message but delivered ~12 % fewer messages per second; longer polling
  // sleeps traded the same way; --actor-threads 1 changed neither.
  cfg.set("scheduler.policy", caf::atom("stealing"));
  auto settings = cluster_settings_of(opts);
  if (opts.cluster.enabled) configure_cluster_links(cfg, settings);
  caf::actor_system sys{cfg};
  hashing_config hashing{opts.hash_workers, 64};
  hashing.helper_executable = hash_helper_executable;
  auto view = std::make_shared<cluster_view>();
  std::optional<cluster_node> member;
  if (opts.cluster.enabled) {
    auto started = start_cluster(sys, settings, view);
    if (auto* err = std::get_if<std::string>(&started)) return fail(*err);
    member = std::move(std::get<cluster_node>(started));
    if (auto err = (*writer_db)->enter_cluster(member->me.name)) {
      stop_cluster(sys, *member);
      return fail(message_of(err));
    }
  }
  node_context node{sys,
                    opts,
                    std::get<auth::paseto_key>(key),
                    spawn_node_actors(sys, std::move(*writer_db),
                                      std::move(*reader_db), hashing,
                                      member ? member->peers : caf::actor{}),
                    {},
                    pending_frames{opts.max_pending_frames},
                    view,
                    std::move(admin_token),
                    {},
                    {false}};
  connection_set connections;
  node.admin = spawn_admin(sys, node, connections, member);
  auto stop_actors = [&] {
    caf::anon_send_exit(node.admin, caf::exit_reason::user_shutdown);
    stop_node_actors(sys, node.actors);
    if (member) stop_cluster(sys, *member);
  };
  if (member)
    run_membership(sys, *member, view, [&connections] {
      connections.close_all(close_service_restart,
                            "node rejoining the cluster; reconnect");
    });
  auto server = std::make_shared<listener>(ioc, node, connections);
  auto& at = std::get<net::ip::tcp::endpoint>(endpoint);
  if (auto ec = server->open(at)) {
    stop_actors();
    return fail("cannot listen on " + opts.listen_host + ":" +
                std::to_string(opts.listen_port) + ": " + ec.message());
  }
  auto admin = open_admin_listener(ioc, node, connections);
  if (auto* err = std::get_if<std::string>(&admin)) {
    server->stop();
    stop_actors();
    return fail(*err);
  }
  auto admin_server = std::get<std::shared_ptr<listener>>(std::move(admin));
  server->run();
  if (admin_server) admin_server->run();
  std::promise<void> stop_requested;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    server->stop();
    if (admin_server) admin_server->stop();
    connections.close_all(close_going_away, "server shutting down");
    stop_requested.set_value();
  });
  auto work = net::make_work_guard(ioc);
  std::vector<std::thread> net_threads;
  for (std::size_t i = 0; i < opts.net_threads; ++i)
    net_threads.emplace_back([&ioc] { ioc.run(); });
  auto bound = server->local_endpoint();
  if (admin_server) {
    auto admin_bound = admin_server->local_endpoint();
    std::cout << "parley admin listening on "
              << admin_bound.address().to_string() << ":" << admin_bound.port()
              << std::endl;
  }
  std::cout << "parley listening on " << bound.address().to_string() << ":"
            << bound.port() << std::endl;
  // Where a person opens the client: a wildcard address is reachable as
  // localhost here (and by this machine's addresses elsewhere).
  auto host = bound.address().is_unspecified() ? std::string{"localhost"}
              : bound.address().is_v6()
                  ? "[" + bound.address().to_string() + "]"
                  : bound.address().to_string();
  std::cout << "parley web client at http://" << host << ":" << bound.port()
            << "/" << std::endl;
  stop_requested.get_future().wait();
  if (!node.sessions.wait_until_none(session_drain_timeout))
    std::cerr << "parley: " << node.sessions.count()
              << " sessions still running at shutdown" << std::endl;
  stop_actors();
  sys.await_all_actors_done();
  work.reset();
  ioc.stop();
  for (auto& thread : net_threads)
    thread.join();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // A hashing helper started by this node's hashing pool, not a node.
  if (auto status = run_hash_helper_if_asked(argc, argv)) return *status;
  // `parley ctl ...`: the operators' command line, not a node.
  if (argc > 1 && std::string_view{argv[1]} == "ctl")
    return ctl::run_ctl(argc - 1, argv + 1);
  auto parsed = parse_options(argc, argv);
  if (std::holds_alternative<help_requested>(parsed)) {
    std::cout << usage_text();
    return 0;
  }
  if (auto* err = std::get_if<std::string>(&parsed)) {
    std::cerr << "parley: " << *err << std::endl;
    return 2;
  }
  try {
    return run_node(std::get<options>(parsed));
  } catch (const std::exception& ex) {
    return fail(std::string{"fatal: "} + ex.what());
  }
}
