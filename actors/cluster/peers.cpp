// The peers actor (see peers.hpp).
#include "actors/cluster/peers.hpp"

#include <chrono>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

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

/// Forgets a peer: its slot and its users in the directory.
void drop(self_pointer self, std::size_t index, const std::string& why) {
  auto& st = self->state;
  auto& slot = st.slots[index];
  if (!slot) return;
  caf::aout(self) << "parley: cluster: lost node " << slot->name << " ("
                  << why << ")" << std::endl;
  self->demonitor(slot->handle);
  slot.reset();
  auto bit = peer_mask{1} << index;
  for (auto i = st.directory.begin(); i != st.directory.end();) {
    i->second &= ~bit;
    i = i->second == 0 ? st.directory.erase(i) : std::next(i);
  }
  publish_view(self);
}

/// Takes a slot for a peer; replaces an older link of the same name.
std::optional<std::size_t> link(self_pointer self, const std::string& name,
                                std::int64_t incarnation,
                                const caf::actor& handle) {
  auto& st = self->state;
  if (auto old = index_of(self, name)) {
    if (st.slots[*old]->handle == handle) return old;
    drop(self, *old, "replaced by a newer link");
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
  st.slots[index] = peer_link{name, incarnation, handle};
  self->monitor(handle);
  caf::aout(self) << "parley: cluster: linked to node " << name << std::endl;
  publish_view(self);
  return index;
}

void learn_users(self_pointer self, std::size_t index,
                 const std::vector<user_id>& users) {
  auto bit = peer_mask{1} << index;
  for (auto user : users)
    self->state.directory[user] |= bit;
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
            if (!link(self, member.name, member.incarnation, handle)) return;
            self->send(handle, hello_atom::value, st.me.name,
                       st.me.incarnation, users_here(self), true);
          },
          [self, member](caf::error&) {
            // Not reachable now; the next beat of the members table
            // retries.
            self->state.connecting.erase(member.name);
          });
}

/// Sends a committed message to every peer that holds either user.
void route_to_peers(self_pointer self, const chat_message& msg) {
  auto& dir = self->state.directory;
  peer_mask mask = 0;
  if (auto i = dir.find(msg.recipient_id); i != dir.end()) mask |= i->second;
  if (auto i = dir.find(msg.sender_id); i != dir.end()) mask |= i->second;
  for (std::size_t index = 0; mask != 0; ++index, mask >>= 1)
    if ((mask & 1) != 0)
      self->send(self->state.slots[index]->handle, remote_atom::value, msg);
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
      self->send(peer, here_atom::value, st.me.name, user, online);
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
                         std::shared_ptr<cluster_view> view) {
  auto& st = self->state;
  st.connector = std::move(connector);
  st.view = std::move(view);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& slots = self->state.slots;
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i] && slots[i]->handle.address() == msg.source)
        drop(self, i, to_string(msg.reason));
  });
  return {
      [self](cluster_atom, const std::string& name, std::int64_t incarnation) {
        auto& st = self->state;
        st.me = node_identity{name, incarnation};
        st.view->enable(name);
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
          if (index && self->state.slots[*index]->incarnation <
                           member.incarnation)
            drop(self, *index, "restarted");
          connect(self, member);
        }
      },
      [self](here_atom, user_id user, bool online) {
        return announce(self, user, online);
      },
      [self](route_atom, const chat_message& msg) {
        route_to_peers(self, msg);
      },
      [self](receipt_atom, const receipt& x) {
        auto& dir = self->state.directory;
        auto i = dir.find(x.sender);
        if (i == dir.end()) return;
        auto mask = i->second;
        for (std::size_t index = 0; mask != 0; ++index, mask >>= 1)
          if ((mask & 1) != 0)
            self->send(self->state.slots[index]->handle, remote_atom::value,
                       x);
      },
      [self](links_atom) {
        std::set<std::string> names;
        for (auto& slot : self->state.slots)
          if (slot) names.insert(slot->name);
        return names;
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
      [self](here_atom, const std::string& node, user_id user, bool online) {
        auto index = index_of(self, node);
        if (!index) return true; // its hello will list the user
        auto bit = peer_mask{1} << *index;
        auto& dir = self->state.directory;
        if (online) {
          dir[user] |= bit;
        } else if (auto i = dir.find(user); i != dir.end()) {
          i->second &= ~bit;
          if (i->second == 0) dir.erase(i);
        }
        return true;
      },
      [self](remote_atom, const chat_message& msg) {
        if (self->state.registry)
          self->send(self->state.registry, remote_atom::value, msg);
      },
      [self](remote_atom, const receipt& x) {
        if (self->state.registry)
          self->send(self->state.registry, remote_atom::value, x);
      },
  };
}

} // namespace parley
