// The peers actor (see peers.hpp).
#include "actors/cluster/peers.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/actor_census.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = caf::stateful_actor<peers_state>*;

/// A connect that takes longer than this failed; the next beat retries.
constexpr auto connect_timeout = std::chrono::seconds(10);

/// A peer that does not confirm an announcement within this is dead or
/// frozen: the registry goes on without it.
constexpr auto here_timeout = std::chrono::seconds(2);

std::optional<std::size_t> index_of(self_pointer self,
                                    const std::string& name) {
  auto& slots = self->state.slots;
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (slots[i] && slots[i]->name == name) return i;
  return std::nullopt;
}

std::vector<user_id> users_here(self_pointer self) {
  return {self->state.here.begin(), self->state.here.end()};
}

void publish_view(self_pointer self) {
  std::vector<std::string> names{self->state.me.name};
  for (auto& slot : self->state.slots)
    if (slot) names.push_back(slot->name);
  self->state.view->set_members(std::move(names));
}

/// A link's end as operators and metrics name it: an exit reason's own
/// name ("remote_link_unreachable"), else CAF's rendering.
std::string reason_of(const caf::error& err) {
  if (err.category() == caf::atom("exit"))
    return caf::to_string(static_cast<caf::exit_reason>(err.code()));
  return caf::to_string(err);
}

void record(self_pointer self, const std::string& node, const char* event,
            std::string reason) {
  self->state.view->history.record(
      cluster_event{wall_clock_ms(), node, event, std::move(reason)});
}

/// The peers whose routes wait until they catch up, for the admin view.
void publish_behind(self_pointer self) {
  std::vector<std::string> names;
  for (auto& slot : self->state.slots)
    if (slot && slot->behind) names.push_back(slot->name);
  self->state.view->set_behind(std::move(names));
}

/// The registry hears when a user is first held by some peer, or by none
/// any more: with its own users, that makes the user's presence.
void tell_elsewhere(self_pointer self, user_id user, bool there) {
  if (self->state.registry)
    self->send(self->state.registry, presence_atom::value, user, there);
}

/// The peer in slot `index` holds `user`.
void add_holder(self_pointer self, user_id user, std::size_t index) {
  auto& mask = self->state.directory[user];
  if (mask == 0) tell_elsewhere(self, user, true);
  mask |= peer_mask{1} << index;
}

/// Forgets a peer: its slot and its users in the directory. `why` is the
/// reason operators see (cluster_history), e.g. remote_link_unreachable.
void drop(self_pointer self, std::size_t index, const std::string& why) {
  auto& st = self->state;
  auto& slot = st.slots[index];
  if (!slot) return;
  caf::aout(self) << "parley: cluster: lost node " << slot->name << " (" << why
                  << ")" << std::endl;
  record(self, slot->name, "lost", why);
  self->demonitor(slot->handle);
  slot.reset();
  auto bit = peer_mask{1} << index;
  for (auto i = st.directory.begin(); i != st.directory.end();) {
    i->second &= ~bit;
    if (i->second != 0) {
      ++i;
      continue;
    }
    tell_elsewhere(self, i->first, false);
    i = st.directory.erase(i);
  }
  publish_view(self);
  publish_behind(self);
}

/// Takes a slot for a peer; replaces an older link of the same name.
std::optional<std::size_t> link(self_pointer self, const std::string& name,
                                std::int64_t incarnation,
                                const caf::actor& handle) {
  auto& st = self->state;
  if (auto old = index_of(self, name)) {
    if (st.slots[*old]->handle == handle) return old;
    drop(self, *old, "replaced");
  }
  std::size_t index = 0;
  while (index < st.slots.size() && st.slots[index])
    ++index;
  if (index == max_peers) {
    caf::aout(self) << "parley: cluster: more than " << max_peers
                    << " peers; not linking " << name << std::endl;
    return std::nullopt;
  }
  if (index == st.slots.size()) st.slots.emplace_back();
  st.slots[index] = peer_link{};
  auto& peer = *st.slots[index];
  peer.name = name;
  peer.incarnation = incarnation;
  peer.handle = handle;
  peer.traffic = st.view->history.traffic_of(name);
  self->monitor(handle);
  // A node linked before: while the link was down, its committed messages
  // were not routed here. The user actors read what they may have missed.
  auto again = !st.ever_linked.insert(name).second;
  if (again && st.registry) self->send(st.registry, resync_atom::value);
  record(self, name, "joined", again ? "linked again" : "linked");
  caf::aout(self) << "parley: cluster: linked to node " << name << std::endl;
  publish_view(self);
  return index;
}

void learn_users(self_pointer self, std::size_t index,
                 const std::vector<user_id>& users) {
  for (auto user : users)
    add_holder(self, user, index);
}

/// A node that left the members table is reported again as unreachable if
/// it ever comes back; so the log-once table holds only current members.
void forget_departed(self_pointer self,
                     const std::vector<cluster_member>& members) {
  auto& unreachable = self->state.unreachable;
  for (auto i = unreachable.begin(); i != unreachable.end();) {
    auto listed = std::any_of(
        members.begin(), members.end(),
        [&](const cluster_member& member) { return member.name == i->first; });
    i = listed ? std::next(i) : unreachable.erase(i);
  }
}

/// The node whose name sorts first connects, so each pair has one link.
void connect(self_pointer self, const cluster_member& member) {
  auto& st = self->state;
  if (member.name <= st.me.name || index_of(self, member.name) ||
      st.connecting.count(member.name) > 0)
    return;
  st.connecting.insert(member.name);
  self->request(st.connector, connect_timeout, caf::connect_atom::value,
                member.host, member.port)
      .then(
          [self, member](const caf::node_id&, caf::strong_actor_ptr& ptr,
                         const std::set<std::string>&) {
            auto& st = self->state;
            st.connecting.erase(member.name);
            auto handle = caf::actor_cast<caf::actor>(ptr);
            if (!handle) return; // nothing published there (yet)
            // Linked before the hello goes out: every announcement made
            // from now on follows the hello on the same link.
            st.unreachable.erase(member.name);
            if (!link(self, member.name, member.incarnation, handle)) return;
            self->send(handle, hello_atom::value, st.me.name, st.me.incarnation,
                       users_here(self), true);
          },
          [self, member](caf::error& err) {
            // Not reachable now; the next beat of the members table
            // retries. Said once per start of that node.
            auto& st = self->state;
            st.connecting.erase(member.name);
            auto reported = st.unreachable.find(member.name);
            if (reported != st.unreachable.end() &&
                reported->second == member.incarnation)
              return;
            st.unreachable[member.name] = member.incarnation;
            caf::aout(self)
                << "parley: cluster: cannot link to node " << member.name
                << " at " << member.host << ":" << member.port << ": "
                << caf::to_string(err)
                << " (retrying every beat; a certificate from another CA is "
                   "refused)"
                << std::endl;
          });
}

void ask_progress(self_pointer self, const caf::actor& peer);

/// Sends a committed message to every peer that holds either user.
void route_to_peers(self_pointer self, const chat_message& msg) {
  auto& dir = self->state.directory;
  peer_mask mask = 0;
  if (auto i = dir.find(msg.recipient_id); i != dir.end()) mask |= i->second;
  if (auto i = dir.find(msg.sender_id); i != dir.end()) mask |= i->second;
  for (std::size_t index = 0; mask != 0; ++index, mask >>= 1) {
    if ((mask & 1) == 0) continue;
    auto& peer = *self->state.slots[index];
    if (peer.behind) continue; // it resyncs from the database later
    if (peer.sent - peer.confirmed >= self->state.max_in_flight) {
      peer.behind = true;
      caf::aout(self) << "parley: cluster: node " << peer.name << " is "
                      << self->state.max_in_flight
                      << " routes behind; routes to it wait for it to "
                         "catch up, then it reads them from the database"
                      << std::endl;
      publish_behind(self);
      ask_progress(self, peer.handle);
      continue;
    }
    ++peer.sent;
    peer.traffic->routes_sent.fetch_add(1, std::memory_order_relaxed);
    self->send(peer.handle, remote_atom::value, msg);
  }
}

/// Receipts go to the peers that hold their senders, one message per peer
/// for all of its receipts.
void receipts_to_peers(self_pointer self, const std::vector<receipt>& all) {
  auto& st = self->state;
  std::vector<std::vector<receipt>> per_peer(st.slots.size());
  for (const auto& x : all) {
    auto i = st.directory.find(x.sender);
    if (i == st.directory.end()) continue;
    auto mask = i->second;
    for (std::size_t index = 0; mask != 0; ++index, mask >>= 1)
      if ((mask & 1) != 0) per_peer[index].push_back(x);
  }
  for (std::size_t index = 0; index < per_peer.size(); ++index)
    if (!per_peer[index].empty() && st.slots[index])
      self->send(st.slots[index]->handle, remote_atom::value,
                 std::move(per_peer[index]));
}

void confirmed(self_pointer self, const caf::actor_addr& from,
               std::uint64_t received);

/// Asks a peer that fell behind how far it got: its answer comes after
/// every route sent before, and is asked again until it caught up.
void ask_progress(self_pointer self, const caf::actor& peer) {
  self->request(peer, std::chrono::seconds(5), done_atom::value)
      .then(
          [self, peer](std::uint64_t received) {
            confirmed(self, peer.address(), received);
            for (auto& slot : self->state.slots)
              if (slot && slot->handle == peer && slot->behind)
                self->delayed_send(self, std::chrono::milliseconds(100),
                                   done_atom::value, peer);
          },
          [self, peer](caf::error&) {
            // Stalled, or gone (then the link's end drops it): ask again.
            for (auto& slot : self->state.slots)
              if (slot && slot->handle == peer && slot->behind)
                self->delayed_send(self, std::chrono::seconds(1),
                                   done_atom::value, peer);
          });
}

/// The peer confirmed routes: if it had fallen behind and caught up, it
/// reads what it was not sent.
void confirmed(self_pointer self, const caf::actor_addr& from,
               std::uint64_t received) {
  for (auto& slot : self->state.slots) {
    if (!slot || slot->handle.address() != from) continue;
    slot->confirmed = std::max(slot->confirmed, received);
    if (slot->behind &&
        slot->sent - slot->confirmed <= self->state.max_in_flight / 2) {
      slot->behind = false;
      publish_behind(self);
      self->send(slot->handle, resync_atom::value);
      caf::aout(self) << "parley: cluster: node " << slot->name
                      << " caught up; it reads what it missed" << std::endl;
    }
  }
}

/// Counts a route from a peer and confirms every ack_every.
void count_received(self_pointer self, const caf::actor_addr& from) {
  for (auto& slot : self->state.slots) {
    if (!slot || slot->handle.address() != from) continue;
    slot->traffic->routes_received.fetch_add(1, std::memory_order_relaxed);
    if (++slot->received % ack_every == 0)
      self->send(slot->handle, done_atom::value, slot->received);
    return;
  }
}

/// Tells every linked peer that a user actor started or stopped here; a
/// start is answered once every peer confirmed (or timed out).
caf::result<bool> announce(self_pointer self, user_id user, bool online) {
  auto& st = self->state;
  if (online)
    st.here.insert(user);
  else
    st.here.erase(user);
  std::vector<caf::actor> peers;
  for (auto& slot : st.slots)
    if (slot) peers.push_back(slot->handle);
  if (!online || peers.empty()) {
    for (auto& peer : peers)
      self->send(peer, stop_atom::value, st.me.name, user);
    return true;
  }
  auto promise = self->make_response_promise<bool>();
  auto waiting = std::make_shared<std::size_t>(peers.size());
  for (auto& peer : peers) {
    auto answered = [promise, waiting]() mutable {
      if (--*waiting == 0) promise.deliver(true);
    };
    self->request(peer, here_timeout, here_atom::value, st.me.name, user, true)
        .then([answered](bool) mutable { answered(); },
              [answered](caf::error&) mutable { answered(); });
  }
  return promise;
}

} // namespace

caf::behavior peers_impl(self_pointer self, caf::io::middleman_actor connector,
                         std::shared_ptr<cluster_view> view,
                         std::uint64_t max_in_flight) {
  auto& st = self->state;
  st.max_in_flight = max_in_flight;
  // A peer that was frozen answers requests that timed out long ago; such
  // late answers are logged and dropped, not fatal.
  enter_census(self, metrics::actor_kind::cluster);
  st.connector = std::move(connector);
  st.view = std::move(view);
  self->set_down_handler([self](caf::down_msg& msg) {
    note_exit(self, metrics::actor_kind::cluster, msg.source, msg.reason);
    auto& slots = self->state.slots;
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i] && slots[i]->handle.address() == msg.source)
        drop(self, i, reason_of(msg.reason));
  });
  return {
      [self](cluster_atom, const std::string& name, std::int64_t incarnation) {
        auto& st = self->state;
        st.me = node_identity{name, incarnation};
        st.view->enable(name);
        st.view->set_incarnation(incarnation);
        publish_view(self);
      },
      [self](registry_actor& registry) {
        self->state.registry = std::move(registry);
      },
      [self](members_atom, const std::vector<cluster_member>& members) {
        if (self->state.me.name.empty()) return; // not registered yet
        for (const auto& member : members) {
          auto index = index_of(self, member.name);
          // The peer started again: the old link belongs to a dead process.
          if (index &&
              self->state.slots[*index]->incarnation < member.incarnation)
            drop(self, *index, "restarted");
          connect(self, member);
        }
        forget_departed(self, members);
      },
      [self](here_atom, user_id user, bool online) {
        return announce(self, user, online);
      },
      [self](route_atom, const chat_message& msg) {
        route_to_peers(self, msg);
      },
      [self](receipt_atom, const std::vector<receipt>& receipts) {
        receipts_to_peers(self, receipts);
      },
      [self](links_atom) {
        std::set<std::string> names;
        for (auto& slot : self->state.slots)
          if (slot) names.insert(slot->name);
        return names;
      },
      [self](admin_atom, caf::actor& admin) {
        self->state.admin = std::move(admin);
      },
      [self](admin_atom) { return self->state.admin; },
      [self](admin_atom, links_atom) {
        std::vector<std::string> names;
        std::vector<caf::actor> handles;
        for (auto& slot : self->state.slots) {
          if (!slot) continue;
          names.push_back(slot->name);
          handles.push_back(slot->handle);
        }
        return caf::make_message(std::move(names), std::move(handles));
      },
      [self](bye_atom) {
        for (auto& slot : self->state.slots)
          if (slot)
            self->send(slot->handle, bye_atom::value, self->state.me.name);
        return true;
      },
      [self](bye_atom, const std::string& name) {
        if (auto index = index_of(self, name)) drop(self, *index, "left");
      },
      [self](hello_atom, const std::string& name, std::int64_t incarnation,
             const std::vector<user_id>& users, bool answer) {
        auto handle = caf::actor_cast<caf::actor>(self->current_sender());
        if (!handle || name == self->state.me.name) return;
        auto index = link(self, name, incarnation, handle);
        if (!index) return;
        learn_users(self, *index, users);
        if (answer)
          self->send(handle, hello_atom::value, self->state.me.name,
                     self->state.me.incarnation, users_here(self), false);
      },
      [self](here_atom, const std::string& node, user_id user, bool) {
        // A request: the announcing node waits for the answer.
        if (auto index = index_of(self, node)) add_holder(self, user, *index);
        return true; // else its hello will list the user
      },
      [self](stop_atom, const std::string& node, user_id user) {
        auto index = index_of(self, node);
        auto& dir = self->state.directory;
        auto i = dir.find(user);
        if (!index || i == dir.end()) return;
        i->second &= ~(peer_mask{1} << *index);
        if (i->second != 0) return;
        dir.erase(i);
        tell_elsewhere(self, user, false);
      },
      [self](typing_atom, const typing_notice& notice) {
        // To the peers that hold the recipient; nowhere if none does.
        auto& dir = self->state.directory;
        auto i = dir.find(notice.recipient);
        if (i == dir.end()) return;
        auto mask = i->second;
        for (std::size_t index = 0; mask != 0; ++index, mask >>= 1)
          if ((mask & 1) != 0 && self->state.slots[index])
            self->send(self->state.slots[index]->handle, remote_atom::value,
                       notice);
      },
      [self](remote_atom, const typing_notice& notice) {
        if (self->state.registry)
          self->send(self->state.registry, remote_atom::value, notice);
      },
      [self](remote_atom, const chat_message& msg) {
        count_received(
            self, caf::actor_cast<caf::actor_addr>(self->current_sender()));
        if (self->state.registry)
          self->send(self->state.registry, remote_atom::value, msg);
      },
      [self](done_atom) -> std::uint64_t {
        // A peer asks how many of its routes this node has taken.
        auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
        for (auto& slot : self->state.slots)
          if (slot && slot->handle.address() == from) return slot->received;
        return 0;
      },
      [self](done_atom, const caf::actor& peer) { ask_progress(self, peer); },
      [self](done_atom, std::uint64_t received) {
        confirmed(self,
                  caf::actor_cast<caf::actor_addr>(self->current_sender()),
                  received);
      },
      [self](resync_atom) {
        if (self->state.registry)
          self->send(self->state.registry, resync_atom::value);
      },
      [self](remote_atom, const std::vector<receipt>& receipts) {
        if (self->state.registry)
          self->send(self->state.registry, remote_atom::value, receipts);
      },
  };
}

} // namespace parley
