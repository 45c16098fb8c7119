// Starting and stopping this node's part of a cluster (cluster_node.hpp).
#include "actors/cluster/cluster_node.hpp"

#include <chrono>
#include <iostream>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/cluster/tls_error_queue.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// Link liveness between nodes. On two busy cores a timeout much under
/// 3 s drops healthy links; a dead process is noticed at once anyway (its
/// sockets close), a frozen one after the timeout.
constexpr auto link_heartbeat = std::chrono::milliseconds(1000);
constexpr auto link_timeout = std::chrono::milliseconds(4000);

bool uses_tls(const cluster_settings& settings) {
  return !settings.ca_file.empty();
}

} // namespace

void configure_cluster_links(caf::actor_system_config& cfg,
                             const cluster_settings& settings) {
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.app-identifiers",
          std::vector<std::string>{cluster_protocol});
  cfg.set("middleman.heartbeat-interval", caf::timespan{link_heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{link_timeout});
  cfg.set("middleman.enable-automatic-connections", false);
  if (uses_tls(settings)) {
    cfg.load<caf::openssl::manager>();
    cfg.set("openssl.certificate", settings.cert_file);
    cfg.set("openssl.key", settings.key_file);
    cfg.set("openssl.cafile", settings.ca_file);
  }
}

std::variant<cluster_node, std::string>
start_cluster(caf::actor_system& sys, const cluster_settings& settings,
              std::shared_ptr<cluster_view> view) {
  cluster_node node;
  auto tls = uses_tls(settings);
  auto connector = tls ? sys.openssl_manager().actor_handle()
                       : sys.middleman().actor_handle();
  node.peers = sys.spawn(peers_impl, connector, view, settings.max_in_flight);
  auto bound =
      tls ? caf::openssl::publish(node.peers, settings.listen_port,
                                  settings.listen_host.c_str(), true)
          : sys.middleman().publish(node.peers, settings.listen_port,
                                    settings.listen_host.c_str(), true);
  if (!bound) {
    caf::anon_send_exit(node.peers, caf::exit_reason::user_shutdown);
    return "cannot listen for cluster links on " + settings.listen_host + ":" +
           std::to_string(settings.listen_port) + ": " +
           sys.render(bound.error());
  }
  node.host = settings.advertise_host.empty() ? settings.listen_host
                                              : settings.advertise_host;
  node.port = settings.advertise_port != 0 ? settings.advertise_port : *bound;
  node.me.name = settings.node_name.empty()
                     ? node.host + "-" + std::to_string(node.port)
                     : settings.node_name;
  auto table = persistence::member_table::open(settings.db_url);
  if (!table) {
    caf::anon_send_exit(node.peers, caf::exit_reason::user_shutdown);
    return "cluster: " + message_of(table.error());
  }
  node.table = std::move(*table);
  auto joined = node.table->join(node.me.name, node.host, node.port,
                                 membership_timing{}.stale_after.count());
  if (!joined) {
    caf::anon_send_exit(node.peers, caf::exit_reason::user_shutdown);
    return message_of(joined.error());
  }
  node.me.incarnation = *joined;
  caf::anon_send(node.peers, cluster_atom::value, node.me.name,
                 node.me.incarnation);
  std::cout << "parley cluster node " << node.me.name << " (incarnation "
            << node.me.incarnation << ") links on " << node.host << ":"
            << node.port << (tls ? " with mutual TLS" : " without TLS")
            << std::endl;
  if (tls && !tls_error_queue_cleared())
    std::cerr << "parley: cluster: warning: OpenSSL's error queue is not "
                 "cleared for CAF's links in this build; a refused handshake "
                 "(a node with another CA's certificate) can drop healthy "
                 "links"
              << std::endl;
  return node;
}

void run_membership(caf::actor_system& sys, cluster_node& node,
                    std::shared_ptr<cluster_view> view,
                    std::function<void()> on_removed) {
  node.membership = sys.spawn<caf::detached>(
      membership_impl, node.table, node.me, node.host, node.port, node.peers,
      std::move(view), membership_timing{}, std::move(on_removed));
}

void stop_cluster(caf::actor_system& sys, cluster_node& node) {
  caf::scoped_actor self{sys};
  if (node.membership) {
    self->send_exit(node.membership, caf::exit_reason::user_shutdown);
    self->wait_for(node.membership);
  }
  // The peers hear that this node leaves, not merely that its link broke.
  self->request(node.peers, std::chrono::seconds(2), bye_atom::value)
      .receive([](bool) {}, [](caf::error&) {});
  self->send_exit(node.peers, caf::exit_reason::user_shutdown);
  // The membership actor has stopped: the table is this thread's now.
  if (auto err = node.table->remove(node.me.name, node.me.incarnation))
    std::cerr << "parley: cluster: could not leave the members table: "
              << message_of(err) << std::endl;
}

} // namespace parley
