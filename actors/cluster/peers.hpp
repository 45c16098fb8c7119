// The peers actor: this node's link to the other nodes of a cluster.
//
// Every node publishes its peers actor on the cluster port. The node whose
// name sorts first of a pair connects (through CAF's middleman, never with a
// blocking remote_actor), so each pair has one link; both sides then
// exchange a hello with the users they hold and keep a directory: user →
// the peers that hold a connection of the user. A committed message goes
// only to the peers that hold its recipient or its sender, once per peer;
// each peer encodes it for its own connections.
//
// Messages (dynamically typed: the peers of other processes send them):
//   local:
//     (cluster_atom, name, incarnation)      who this node is (after it
//                                            registered; again after it
//                                            registered anew)
//     (registry_actor)                       the node's registry
//     (members_atom, vector<cluster_member>) the members table, each beat
//     (here_atom, user_id, bool online) -> bool
//                                            a user actor started here
//                                            (answered once every linked
//                                            peer knows) or stopped
//     (route_atom, chat_message)             committed here: to the peers
//     (receipt_atom, vector<receipt>)        to the peers of their senders
//     (typing_atom, typing_notice)           to the peers of its recipient
//     (links_atom) -> std::set<string>       names of the linked peers
//     (admin_atom, actor)                    the node's admin actor
//     (admin_atom, links_atom) -> (vector<string>, vector<actor>)
//                                            names and peers actors of the
//                                            linked peers (admin view)
//     (bye_atom) -> bool                     shutdown: tells the peers
//   from peers and from `parley ctl`:
//     (admin_atom) -> actor                  this node's admin actor
//   from peers:
//     (hello_atom, name, incarnation, vector<user_id> users, bool answer)
//     (here_atom, name, user_id, bool online) -> bool
//     (remote_atom, chat_message), (remote_atom, vector<receipt>),
//     (remote_atom, typing_notice)
//     (done_atom, uint64 received)           flow control: how many routes
//                                            the peer has taken so far
//     (resync_atom)                          routes to this node were
//                                            dropped: read what is missing
//     (bye_atom, name)                       the peer is shutting down
//
// Presence: the registry hears (presence_atom, user, true) when some peer
// first holds a user and (presence_atom, user, false) when none does any
// more (the user left it, or the node was lost).
//
// Flow control: BASP has no backpressure, so a peer that falls behind (a
// slow or frozen process) would grow the sender's buffers without bound.
// Each peer confirms every `ack_every` routes; a node with more than
// `max_in_flight` unconfirmed routes to a peer stops sending it routes,
// and once the peer has caught up tells it to resync: its user actors
// read from the database what was not routed (the stream links would find
// it at the next message anyway).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "proto/actor_interfaces.hpp"
#include "proto/cluster.hpp"

namespace parley {

/// Who this node is in the cluster.
struct node_identity {
  std::string name;
  std::int64_t incarnation = 0;
};

/// A linked peer.
struct peer_link {
  std::string name;
  std::int64_t incarnation = 0;
  caf::actor handle;
  std::uint64_t sent = 0;      ///< routes sent to it
  std::uint64_t confirmed = 0; ///< routes it confirmed
  bool behind = false;         ///< routes to it are dropped until it catches up
  std::uint64_t received = 0;  ///< routes taken from it
  /// The same counts for metrics, kept across links (cluster_history).
  std::shared_ptr<peer_traffic> traffic;
};

/// Routes a peer confirms at once.
constexpr std::uint64_t ack_every = 256;

/// A directory entry: one bit per peer slot.
using peer_mask = std::uint64_t;

/// At most this many peers (the bits of a peer_mask).
constexpr std::size_t max_peers = 64;

struct peers_state {
  node_identity me;
  std::uint64_t max_in_flight = 10000; ///< unconfirmed routes per peer
  caf::io::middleman_actor connector;
  std::shared_ptr<cluster_view> view;
  registry_actor registry;
  std::vector<std::optional<peer_link>> slots;
  std::unordered_map<user_id, peer_mask> directory;
  std::unordered_set<user_id> here; ///< users with a user actor here
  std::set<std::string> connecting; ///< connects in flight, by peer name
  /// Peers whose last connect failed, by name: the incarnation that was
  /// reported, so that a failure is logged once, not on every beat.
  std::map<std::string, std::int64_t> unreachable;
  std::set<std::string> ever_linked; ///< names linked before, this run
  caf::actor admin;                  ///< this node's admin actor (actors/admin)
  static inline const char* name = "peers";
};

/// `connector` is the middleman's actor (or the TLS one of caf::openssl).
caf::behavior peers_impl(caf::stateful_actor<peers_state>* self,
                         caf::io::middleman_actor connector,
                         std::shared_ptr<cluster_view> view,
                         std::uint64_t max_in_flight);

} // namespace parley
