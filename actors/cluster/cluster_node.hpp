// Starting and stopping this node's part of a cluster: CAF's middleman (or
// its TLS variant), the published peers actor, the row in the members
// table, and the membership actor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/cluster/peers.hpp"

namespace parley {

/// What the command line says about the cluster (gateway/options.hpp).
struct cluster_settings {
  std::string listen_host;
  std::uint16_t listen_port = 0;
  std::string advertise_host;       ///< empty: the listen host
  std::uint16_t advertise_port = 0; ///< 0: the bound port
  std::string node_name;            ///< empty: host-port of the advertised
  std::string db_url;
  std::string ca_file, cert_file, key_file; ///< all set: mutual TLS
  std::uint64_t max_in_flight = 10000;      ///< unconfirmed routes per peer
};

/// The cluster version in CAF's handshake: nodes of builds that speak
/// another version of these messages refuse each other.
inline const char* cluster_protocol = "parley-cluster-1";

/// Loads the middleman (and the TLS module) and sets the link settings,
/// the same on every node; before the actor system is made.
void configure_cluster_links(caf::actor_system_config& cfg,
                             const cluster_settings& settings);

/// This node's running part of the cluster.
struct cluster_node {
  node_identity me;
  std::string host; ///< advertised to peers
  std::uint16_t port = 0;
  caf::actor peers;
  caf::actor membership;
  std::shared_ptr<persistence::member_table> table;
};

/// Publishes the peers actor on the cluster port and registers the node.
/// A one-line error when the port cannot be bound, the database cannot be
/// reached or a live node holds the name.
std::variant<cluster_node, std::string>
start_cluster(caf::actor_system& sys, const cluster_settings& settings,
              std::shared_ptr<cluster_view> view);

/// Starts the membership actor's beats (after the node's actors exist);
/// `on_removed` closes the node's connections when the others removed it.
void run_membership(caf::actor_system& sys, cluster_node& node,
                    std::shared_ptr<cluster_view> view,
                    std::function<void()> on_removed);

/// Stops the cluster actors and removes the node from the members table,
/// so that the others stop counting on it at once.
void stop_cluster(caf::actor_system& sys, cluster_node& node);

} // namespace parley
