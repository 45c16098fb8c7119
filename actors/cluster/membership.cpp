// The membership actor (see membership.hpp).
#include "actors/cluster/membership.hpp"

#include <set>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = caf::stateful_actor<membership_state>*;

/// Removes the members that are gone: no heartbeat for a while and no link
/// (or no heartbeat for a long while). Only while this node's own
/// heartbeats work: a node that cannot reach the database judges nobody.
void remove_gone(self_pointer self, const std::vector<cluster_member>& members,
                 const std::set<std::string>& linked) {
  auto& st = self->state;
  if (!st.heartbeat_ok) return;
  for (const auto& member : members) {
    if (member.name == st.me.name) continue;
    auto age = std::chrono::milliseconds{member.heartbeat_age_ms};
    auto gone = age > st.timing.dead_after ||
                (age > st.timing.stale_after && linked.count(member.name) == 0);
    if (!gone) continue;
    if (auto err = st.table->remove(member.name, member.incarnation)) {
      caf::aout(self) << "parley: cluster: cannot remove node " << member.name
                      << ": " << message_of(err) << std::endl;
      continue;
    }
    caf::aout(self) << "parley: cluster: removed node " << member.name
                    << " from the members (last heartbeat " << age.count()
                    << " ms ago"
                    << (linked.count(member.name) ? ")" : ", no link)")
                    << std::endl;
    st.view->history.record(cluster_event{
        wall_clock_ms(), member.name, "removed",
        "timed out: last heartbeat " + std::to_string(age.count()) + " ms ago" +
            (linked.count(member.name) ? "" : ", no link")});
  }
}

/// This node's row was removed by the others (its heartbeats stopped for
/// too long, e.g. the process was frozen): they forgot its users and sent
/// it nothing since. Its connections close (1012), and it registers again.
void rejoin(self_pointer self) {
  auto& st = self->state;
  caf::aout(self) << "parley: cluster: the other nodes removed this node "
                     "(heartbeats late); closing its connections and "
                     "registering again"
                  << std::endl;
  if (st.on_removed) st.on_removed();
  auto joined = st.table->join(st.me.name, st.host, st.port,
                               st.timing.stale_after.count());
  if (!joined) {
    caf::aout(self) << "parley: cluster: cannot register again: "
                    << message_of(joined.error()) << std::endl;
    return;
  }
  caf::aout(self) << "parley: cluster: registered again as incarnation "
                  << *joined << std::endl;
  st.me.incarnation = *joined;
  st.view->history.record(cluster_event{wall_clock_ms(), st.me.name, "rejoined",
                                        "removed by the others: heartbeats "
                                        "late"});
  self->send(st.peers, cluster_atom::value, st.me.name, st.me.incarnation);
}

/// Says when this node stops or starts serving for want of links, once the
/// starting grace is over (cluster_view::snapshot::ready).
void report_readiness(self_pointer self) {
  auto& st = self->state;
  auto view = st.view->read();
  if (!view.grace_over() || !view.joined) return;
  auto ready = view.ready();
  if (st.reported_ready && *st.reported_ready == ready) return;
  st.reported_ready = ready;
  if (ready) {
    caf::aout(self) << "parley: cluster: serving: linked to "
                    << view.linked_count() << " of " << view.expected.size() + 1
                    << " live members (this node included)" << std::endl;
    return;
  }
  caf::aout(self) << "parley: cluster: not serving (/readyz answers 503): "
                     "linked to "
                  << view.linked_count() << " of " << view.expected.size() + 1
                  << " live members (this node included), no quorum; is its "
                     "certificate signed by the cluster's CA, and can the "
                     "others reach its --cluster-advertise address?"
                  << std::endl;
}

void beat(self_pointer self) {
  auto& st = self->state;
  auto alive = st.table->heartbeat(st.me.name, st.me.incarnation);
  if (!alive) {
    if (st.heartbeat_ok)
      caf::aout(self) << "parley: cluster: heartbeat failed: "
                      << message_of(alive.error()) << std::endl;
    st.heartbeat_ok = false;
  } else {
    if (!*alive) rejoin(self);
    st.heartbeat_ok = true;
  }
  st.view->set_joined(st.heartbeat_ok);
  auto members = st.table->members();
  if (members) {
    std::vector<std::string> expected;
    auto oldest = st.me;
    for (const auto& member : *members) {
      if (member.name == st.me.name ||
          std::chrono::milliseconds{member.heartbeat_age_ms} >=
              st.timing.stale_after)
        continue;
      expected.push_back(member.name);
      if (member.incarnation < oldest.incarnation)
        oldest = node_identity{member.name, member.incarnation};
    }
    st.view->set_expected(std::move(expected), oldest.name);
    st.view->set_table(*members);
    report_readiness(self);
    self->send(st.peers, members_atom::value, *members);
    self->request(st.peers, st.timing.beat, links_atom::value)
        .then(
            [self, members = *members](const std::set<std::string>& linked) {
              remove_gone(self, members, linked);
            },
            [](caf::error&) {}); // the peers actor is busy: next beat
  }
  self->delayed_send(self, st.timing.beat, beat_atom::value);
}

} // namespace

caf::behavior membership_impl(self_pointer self,
                              std::shared_ptr<persistence::member_table> table,
                              node_identity me, std::string host,
                              std::uint16_t port, caf::actor peers,
                              std::shared_ptr<cluster_view> view,
                              membership_timing timing,
                              std::function<void()> on_removed) {
  auto& st = self->state;
  st.table = std::move(table);
  st.me = std::move(me);
  st.host = std::move(host);
  st.port = port;
  st.peers = std::move(peers);
  st.view = std::move(view);
  st.timing = timing;
  st.on_removed = std::move(on_removed);
  enter_census(self, metrics::actor_kind::cluster);
  st.view->set_joined(true);
  self->send(self, beat_atom::value);
  return {
      [self](beat_atom) { beat(self); },
  };
}

} // namespace parley
