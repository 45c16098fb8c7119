// The registry actor. It never touches sockets or the database itself: it
// only knows which user actor serves which user (like ejabberd_sm).
//
// Retiring a user actor races with new sessions: the user actor reports
// "idle after N attaches"; the registry retires it only if it has sent
// exactly N attaches, otherwise an attach is in flight and the actor lives.
#include "actors/registry.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/user.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = registry_actor::stateful_pointer<registry_state>;

/// A user actor answers a drain at once unless its mailbox is deep.
constexpr auto drain_timeout = std::chrono::seconds(5);

/// How long a new user actor waits for the other nodes to learn that the
/// user is here before its stream starts anyway (a peer that does not
/// answer is dead or frozen; the stream links repair what it misses).
constexpr auto announce_timeout = std::chrono::seconds(3);

/// The registry samples its mailbox on every this many routing messages
/// (routes, receipts, joins, retirements): a size() each time would cost
/// a deep mailbox more than the relaxed store. So at rest the gauge may
/// read up to this many minus one above the truth.
constexpr std::uint32_t mailbox_sample_every = 8;

/// parley_registry_mailbox_messages.
void sample_mailbox(self_pointer self) {
  if (++self->state.since_mailbox_sample < mailbox_sample_every) return;
  self->state.since_mailbox_sample = 0;
  metrics::node().registry_mailbox.set(
      static_cast<std::int64_t>(self->mailbox().size()));
}

void set_presence(self_pointer self, user_id user, bool online) {
  self->send(self->state.writer, presence_atom::value, user, online);
}

bool is_online(self_pointer self, user_id user) {
  return self->state.users.count(user) > 0 ||
         self->state.elsewhere.count(user) > 0;
}

/// The users here watching `user` hear that it came or went.
void tell_watchers(self_pointer self, user_id user, bool online) {
  auto i = self->state.watchers.find(user);
  if (i == self->state.watchers.end()) return;
  for (auto watcher : i->second) {
    auto entry = self->state.users.find(watcher);
    if (entry != self->state.users.end())
      self->send(entry->second.handle, presence_atom::value, user, online);
  }
}

/// `watcher` (online here) watches `peers` from now on; answers those of
/// them online now.
std::vector<user_id> watch(self_pointer self, user_id watcher,
                           const std::vector<user_id>& peers) {
  std::vector<user_id> online;
  auto entry = self->state.users.find(watcher);
  if (entry == self->state.users.end()) return online; // retired meanwhile
  for (auto peer : peers) {
    auto& list = self->state.watchers[peer];
    if (std::find(list.begin(), list.end(), watcher) == list.end()) {
      list.push_back(watcher);
      entry->second.watching.push_back(peer);
    }
    if (is_online(self, peer)) online.push_back(peer);
  }
  return online;
}

/// A retired user actor watches nobody any more.
void unwatch(self_pointer self, user_id watcher,
             const std::vector<user_id>& watching) {
  auto& watchers = self->state.watchers;
  for (auto peer : watching) {
    auto i = watchers.find(peer);
    if (i == watchers.end()) continue;
    auto& list = i->second;
    list.erase(std::remove(list.begin(), list.end(), watcher), list.end());
    if (list.empty()) watchers.erase(i);
  }
}

/// `user` left this node (retired or lost): gone from the watch lists, and
/// offline for its watchers unless another node holds it.
void went_away(self_pointer self, user_id user, registry_entry& entry) {
  unwatch(self, user, entry.watching);
  set_presence(self, user, false);
  if (self->state.cluster)
    caf::anon_send(self->state.cluster, here_atom::value, user, false);
}

/// Cluster: whether some other node holds `user` changed.
void elsewhere_changed(self_pointer self, user_id user, bool there) {
  auto before = is_online(self, user);
  if (there)
    self->state.elsewhere.insert(user);
  else
    self->state.elsewhere.erase(user);
  auto after = is_online(self, user);
  if (before != after) tell_watchers(self, user, after);
}

/// A typing indicator for the recipient's sessions here.
void typing_here(self_pointer self, const typing_notice& notice) {
  auto i = self->state.users.find(notice.recipient);
  if (i != self->state.users.end())
    self->send(i->second.handle, typing_atom::value, notice);
}

/// Cluster: tells the other nodes the user is here; once they know, every
/// message to or from the user comes here, and its stream may start.
void announce(self_pointer self, user_id user, const user_actor& handle) {
  self->request(self->state.cluster, announce_timeout, here_atom::value, user,
                true)
      .then([self, handle](bool) { self->send(handle, chain_atom::value); },
            [self, handle](caf::error&) {
              self->send(handle, chain_atom::value);
            });
}

user_actor join(self_pointer self, user_id user, session_actor& session,
                stream_options& stream) {
  sample_mailbox(self);
  auto& entry = self->state.users[user];
  if (!entry.handle) {
    auto reg = caf::actor_cast<registry_actor>(self);
    // Linked: when the registry stops (shutdown), its user actors stop too.
    auto chained = static_cast<bool>(self->state.cluster);
    entry.handle = self->spawn<caf::linked>(
        user_impl, user, reg, self->state.writer, self->state.reader, chained);
    set_presence(self, user, true);
    metrics::node().users_online.set(
        static_cast<std::int64_t>(self->state.users.size()));
    if (self->state.elsewhere.count(user) == 0) tell_watchers(self, user, true);
    if (chained) announce(self, user, entry.handle);
  }
  ++entry.attaches_sent;
  entry.wants_receipts = entry.wants_receipts || stream.acks;
  self->send(entry.handle, attach_atom::value, std::move(session),
             std::move(stream));
  return entry.handle;
}

void retire_if_idle(self_pointer self, user_id user,
                    std::uint64_t attaches_seen) {
  sample_mailbox(self);
  auto i = self->state.users.find(user);
  if (i == self->state.users.end() || i->second.attaches_sent != attaches_seen)
    return; // a new session is on its way to this user actor
  self->send(i->second.handle, stop_atom::value);
  auto entry = std::move(i->second);
  self->state.users.erase(i);
  metrics::node().users_online.set(
      static_cast<std::int64_t>(self->state.users.size()));
  went_away(self, user, entry);
  if (!is_online(self, user)) tell_watchers(self, user, false);
}

void forward(self_pointer self, user_id user, const chat_message& msg,
             const session_actor& origin) {
  auto i = self->state.users.find(user);
  if (i != self->state.users.end())
    self->send(i->second.handle, route_atom::value, msg, origin);
  // No user actor: the user is offline; the message stays undelivered in
  // the database and is pushed when the next connection opens.
}

void route_here(self_pointer self, const chat_message& msg,
                const session_actor& origin) {
  sample_mailbox(self);
  forward(self, msg.recipient_id, msg, origin);
  if (msg.sender_id != msg.recipient_id)
    forward(self, msg.sender_id, msg, origin);
}

/// A sender online here with a session that acks hears of its receipts;
/// else it learns them on its next resume.
void receipts_here(self_pointer self, const std::vector<receipt>& receipts) {
  sample_mailbox(self);
  auto& users = self->state.users;
  for (const auto& x : receipts) {
    auto i = users.find(x.sender);
    if (i != users.end() && i->second.wants_receipts)
      self->send(i->second.handle, receipt_atom::value, x);
  }
}

bool is_user_actor(self_pointer self, const caf::actor_addr& who) {
  for (auto& [id, entry] : self->state.users)
    if (entry.handle.address() == who) return true;
  return false;
}

/// A user actor ended without being retired (a bug or a crash): forget it
/// so the next session starts a fresh one.
void forget(self_pointer self, const caf::actor_addr& who) {
  auto& users = self->state.users;
  for (auto i = users.begin(); i != users.end(); ++i) {
    if (i->second.handle.address() == who) {
      auto user = i->first;
      auto entry = std::move(i->second);
      users.erase(i);
      metrics::node().users_online.set(static_cast<std::int64_t>(users.size()));
      went_away(self, user, entry);
      if (!is_online(self, user)) tell_watchers(self, user, false);
      return;
    }
  }
}

/// Shutdown: every user actor answers once it has handled what came before
/// (its sessions' last confirmations); then the registry answers.
caf::result<bool> drain_users(self_pointer self) {
  if (self->state.users.empty()) return true;
  // Made only now: a promise takes the reply over from the return value.
  auto promise = self->make_response_promise<bool>();
  auto waiting = std::make_shared<std::size_t>(self->state.users.size());
  for (auto& [id, entry] : self->state.users) {
    auto answered = [promise, waiting]() mutable {
      if (--*waiting == 0) promise.deliver(true);
    };
    self->request(entry.handle, drain_timeout, drain_atom::value)
        .then([answered](bool) mutable { answered(); },
              [answered](caf::error&) mutable { answered(); });
  }
  return promise;
}

} // namespace

registry_actor::behavior_type registry_impl(self_pointer self,
                                            writer_actor writer,
                                            reader_actor reader,
                                            caf::actor cluster) {
  self->state.writer = std::move(writer);
  self->state.reader = std::move(reader);
  self->state.cluster = std::move(cluster);
  // Answers of requests that timed out (an announcement a frozen node
  // confirms late) arrive as plain messages: logged and dropped.
  enter_census(self, metrics::actor_kind::registry);
  // Exits of linked user actors are news, not a reason to die; any other
  // exit message (shutdown) ends the registry and, through links, them.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::normal)
      return; // a retired user actor has stopped
    if (is_user_actor(self, msg.source)) {
      note_exit(self, metrics::actor_kind::registry, msg.source, msg.reason);
      forget(self, msg.source);
    } else {
      self->quit(msg.reason);
    }
  });
  return {
      [self](join_atom, user_id user, const std::string&,
             session_actor& session, stream_options& stream) {
        return join(self, user, session, stream);
      },
      [self](idle_atom, user_id user, std::uint64_t attaches_seen) {
        retire_if_idle(self, user, attaches_seen);
      },
      [self](route_atom, const chat_message& msg, const session_actor& origin) {
        route_here(self, msg, origin);
        if (self->state.cluster)
          caf::anon_send(self->state.cluster, route_atom::value, msg);
      },
      [self](remote_atom, const chat_message& msg) {
        route_here(self, msg, session_actor{});
      },
      [self](receipt_atom, const std::vector<receipt>& receipts) {
        receipts_here(self, receipts);
        if (self->state.cluster)
          caf::anon_send(self->state.cluster, receipt_atom::value, receipts);
      },
      [self](remote_atom, const std::vector<receipt>& receipts) {
        receipts_here(self, receipts);
      },
      [self](resync_atom) {
        for (auto& [id, entry] : self->state.users)
          self->send(entry.handle, resync_atom::value);
      },
      [self](watch_atom, user_id watcher, const std::vector<user_id>& peers) {
        return watch(self, watcher, peers);
      },
      [self](presence_atom, user_id user, bool there) {
        elsewhere_changed(self, user, there);
      },
      [self](typing_atom, const typing_notice& notice) {
        typing_here(self, notice);
        if (self->state.cluster)
          caf::anon_send(self->state.cluster, typing_atom::value, notice);
      },
      [self](remote_atom, const typing_notice& notice) {
        typing_here(self, notice);
      },
      [self](describe_atom, user_id user) -> caf::result<std::string> {
        auto i = self->state.users.find(user);
        if (i == self->state.users.end()) return std::string{"[]"};
        return self->delegate(i->second.handle, describe_atom::value);
      },
      [self](kick_atom, user_id user) -> caf::result<std::uint32_t> {
        auto i = self->state.users.find(user);
        if (i == self->state.users.end()) return std::uint32_t{0};
        return self->delegate(i->second.handle, kick_atom::value);
      },
      [self](drain_atom) { return drain_users(self); },
  };
}

} // namespace parley
