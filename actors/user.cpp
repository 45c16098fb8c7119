// The user actor: fan-out to a user's sessions, what each has confirmed, and
// their catch-up (actors/user_catch_up.cpp).
//
// Every session gets one ordered stream: frames that carry a message id
// (incoming_message, outgoing_message, message_sent) reach it in id order,
// because they all pass through here in the order the writer committed
// them. So the highest id a client has seen is a safe resume cursor. The
// one exception is message_sent answering a resend, or a send whose copy a
// catch-up already carried: it repeats an id the client has seen.
//
// Delivery (README, "Delivery guarantees"): a device's cursor moves only on
// what a session's client confirmed: its acks on ?acks=1 connections, else
// the connection's write completions. A mark carries the base its stream
// started from, so a session whose stream began above a device's cursor
// (a resume past messages the device never got) cannot move it; acks of a
// named device are the device's own word and need no base.
//
// Receipts: a confirmation turns the incoming messages it covers into
// delivered receipts, which travel with the mark to the writer; the writer
// stores them and passes them on to the registry, which gives them to the
// senders' user actors if those have a session that acks.
#include "actors/user.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/unexpected_messages.hpp"
#include "actors/user_catch_up.hpp"
#include "actors/user_presence.hpp"
#include "actors/user_report.hpp"
#include "proto/json/server_frame.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = user_pointer;

bool speaks_for_itself(const attached_session& entry) {
  return entry.acks && !entry.device.empty();
}

/// Moves the device's cursor (if `through` is above what this stream has
/// reported) and hands the writer the receipts the confirmation made, in
/// one message.
void mark(self_pointer self, attached_session& entry, message_id base,
          message_id through, std::vector<receipt> receipts = {}) {
  if (through <= entry.confirmed) {
    if (receipts.empty()) return;
    through = 0; // receipts alone
  } else {
    entry.confirmed = through;
  }
  self->send(self->state.writer, delivered_atom::value, self->state.id,
             entry.device, base, through, std::move(receipts));
}

/// The confirmed messages become delivered receipts: one per sender, for
/// the newest of theirs.
std::vector<receipt> receipts_for_confirmed(self_pointer self,
                                            attached_session& entry,
                                            message_id through) {
  std::vector<std::pair<user_id, message_id>> confirmed; // sender, id
  auto& unconfirmed = entry.unconfirmed;
  auto kept = std::remove_if(unconfirmed.begin(), unconfirmed.end(),
                             [&](const std::pair<message_id, user_id>& x) {
                               if (x.first > through) return false;
                               confirmed.emplace_back(x.second, x.first);
                               return true;
                             });
  unconfirmed.erase(kept, unconfirmed.end());
  std::sort(confirmed.begin(), confirmed.end());
  std::vector<receipt> receipts;
  for (std::size_t i = 0; i < confirmed.size(); ++i) {
    auto last_of_sender = i + 1 == confirmed.size() ||
                          confirmed[i + 1].first != confirmed[i].first;
    if (last_of_sender)
      receipts.push_back(receipt{self->state.id, confirmed[i].first,
                                 confirmed[i].second, false});
  }
  return receipts;
}

/// The client has every message of its stream up to `through`; it cannot
/// confirm more than it was handed. The device's cursor counts messages to
/// the user, so it moves no further than the newest of those: confirming
/// only the user's own sends (message_sent) moves nothing.
void confirm(self_pointer self, attached_session& entry, message_id through) {
  through = std::min(through, entry.handed);
  auto receipts = receipts_for_confirmed(self, entry, through);
  mark(self, entry, speaks_for_itself(entry) ? 0 : entry.base,
       std::min(through, entry.handed_to_user), std::move(receipts));
}

/// The client has read the peer's messages up to `up_to` (no further than
/// its connection was handed or began from).
void read_up_to(self_pointer self, attached_session& entry, user_id peer,
                message_id up_to) {
  // What the stream began from counts as had: the client resumed from
  // there (since), or its device had confirmed that much (the push).
  up_to = std::min(up_to, std::max(entry.handed, entry.base));
  if (up_to <= 0 || peer == self->state.id) return;
  // Stored by the writer, which passes it on to the registry.
  self->send(self->state.writer, receipt_atom::value,
             receipt{self->state.id, peer, up_to, true});
}

/// A cursor from the client (since, sync) is an ack of a named device that
/// acks; for every other stream it only says where its replay begins.
void resume_from(self_pointer self, attached_session& entry, message_id since) {
  if (since != no_resume && since > 0 && speaks_for_itself(entry))
    mark(self, entry, 0, since);
  if (self->state.chained && !self->state.order.started()) {
    // The database does not yet hold everything this catch-up must read
    // before the live stream starts: wait for the start (chain_atom).
    entry.catch_up_deferred = true;
    entry.deferred_since = since;
    return;
  }
  start_catch_up(self, entry, since);
}

void attach(self_pointer self, session_actor& session, stream_options& stream) {
  ++self->state.attaches_seen;
  self->monitor(session);
  attached_session entry;
  entry.handle = session;
  entry.device = std::move(stream.device);
  entry.acks = stream.acks;
  self->state.sessions.push_back(std::move(entry));
  if (stream.acks) want_presence(self);
  greet(self, self->state.sessions.back());
  resume_from(self, self->state.sessions.back(), stream.since);
}

/// Hands a frame to a live session, or holds it while the session catches
/// up. A live copy at or below what the session was handed is a late copy
/// of a message its catch-up carried.
void offer(self_pointer self, attached_session& entry,
           const shared_frame& frame, bool is_ack, user_id sender) {
  if (!entry.live) {
    hold(entry, held_route{frame.id, frame, is_ack, sender});
  } else if (is_ack || frame.id > entry.handed) {
    hand_over(self, entry, frame, sender);
    if (!is_ack) metrics::node().messages_delivered.add();
  }
}

/// From the frame to its message_sent, handed to the sending session.
void observe_message_sent(const chat_message& msg) {
  if (msg.received_ns == 0) return; // committed on another node
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count();
  if (now > msg.received_ns)
    metrics::node().message_sent_seconds.observe(
        static_cast<std::uint64_t>(now - msg.received_ns));
}

void route(self_pointer self, const chat_message& msg,
           const session_actor& origin) {
  auto incoming = msg.recipient_id == self->state.id;
  note_peer(self, incoming ? msg.sender_id : msg.recipient_id);
  shared_frame copy; // encoded once, on first use, shared by all sessions
  for (auto& entry : self->state.sessions) {
    auto is_origin = entry.handle == origin;
    // The sender's own connection gets message_sent instead of a copy
    // (and a copy too when it wrote to itself).
    if (incoming || !is_origin) {
      if (!copy.text)
        copy = make_shared_frame(incoming ? json::encode_incoming_message(msg)
                                          : json::encode_outgoing_message(msg),
                                 msg.id);
      offer(self, entry, copy, false, incoming ? msg.sender_id : user_id{0});
    }
    if (is_origin) {
      observe_message_sent(msg);
      offer(self, entry,
            make_shared_frame(json::encode_message_sent(msg), msg.id), true, 0);
    }
  }
}

/// A late route (its message reached the sessions already, or was read from
/// the database): the sending session still gets its message_sent.
void answer_origin(self_pointer self, const stream_route& late) {
  if (!late.origin) return;
  if (auto* entry = find_session(self, late.origin.address())) {
    observe_message_sent(late.message);
    offer(self, *entry,
          make_shared_frame(json::encode_message_sent(late.message),
                            late.message.id),
          true, 0);
  }
}

void apply(self_pointer self, released_routes released) {
  for (auto& route_in_order : released.in_order)
    route(self, route_in_order.message, route_in_order.origin);
  for (auto& late : released.late)
    answer_origin(self, late);
}

/// How long a route waits for its predecessor before the gap is read from
/// the database: longer than a route's usual trip between two nodes.
constexpr auto gap_wait = std::chrono::milliseconds(250);

/// Rows per gap read.
constexpr std::uint32_t gap_rows = 200;

void schedule_gap_read(self_pointer self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  // Before the start, routes wait for it, not for a gap.
  if (st.gap_read_scheduled || !st.order.started() || !st.order.waiting())
    return;
  st.gap_read_scheduled = true;
  self->delayed_send(self, delay, gap_atom::value);
}

/// The predecessor of a waiting route did not come (its node died after
/// the commit, or a link dropped it): it is committed, so read it. With
/// `always`, read even if nothing waits (a link came back: its node's
/// routes of the meantime are lost, and nothing may follow them).
void read_gap(self_pointer self, bool always = false) {
  auto& st = self->state;
  st.gap_read_scheduled = false;
  if (!st.order.started() || (!always && !st.order.waiting())) return;
  self->request(st.reader, std::chrono::seconds(30), replay_atom::value, st.id,
                st.order.head(), gap_rows)
      .then(
          [self, always](std::vector<chat_message>& rows) {
            auto full = rows.size() == gap_rows;
            apply(self, self->state.order.fill(std::move(rows)));
            if (full && always)
              self->send(self, resync_atom::value); // read on
            else
              schedule_gap_read(self,
                                full ? std::chrono::milliseconds{0} : gap_wait);
          },
          [self](caf::error&) { schedule_gap_read(self, gap_wait * 4); });
}

/// A committed message for the user's sessions.
void take_route(self_pointer self, chat_message& msg,
                const session_actor& origin) {
  auto& st = self->state;
  if (!st.chained) {
    route(self, msg, origin); // one writer: routes arrive in commit order
    return;
  }
  auto prev = msg.recipient_id == st.id ? msg.recipient_prev : msg.sender_prev;
  if (prev == no_chain) {
    // A route without links (a batch written again after an outage): read
    // the stream from the database instead, which holds it.
    answer_origin(self, stream_route{msg, origin});
    schedule_gap_read(self, std::chrono::milliseconds{0});
    return;
  }
  apply(self, st.order.offer(stream_route{msg, origin}, prev));
  schedule_gap_read(self, gap_wait);
}

/// Every node knows the user is here: the stream starts after the user's
/// newest message now, and the catch-ups that waited read up to there.
void start_stream(self_pointer self) {
  auto& st = self->state;
  self->request(st.reader, std::chrono::seconds(30), last_atom::value, st.id)
      .then(
          [self](message_id newest) {
            auto& st = self->state;
            if (st.order.started()) return;
            apply(self, st.order.start(newest));
            for (auto& entry : st.sessions) {
              if (!entry.catch_up_deferred) continue;
              entry.catch_up_deferred = false;
              start_catch_up(self, entry, entry.deferred_since);
            }
            schedule_gap_read(self, gap_wait);
          },
          [self](caf::error&) {
            // The database is away: try again; the sessions wait.
            self->delayed_send(self, std::chrono::seconds(1),
                               chain_atom::value);
          });
}

void detach(self_pointer self, const caf::actor_addr& who) {
  auto& sessions = self->state.sessions;
  sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                [&](const attached_session& entry) {
                                  return entry.handle.address() == who;
                                }),
                 sessions.end());
  if (sessions.empty())
    self->send(self->state.registry, idle_atom::value, self->state.id,
               self->state.attaches_seen);
}

} // namespace

user_actor::behavior_type user_impl(self_pointer self, user_id id,
                                    registry_actor registry,
                                    writer_actor writer, reader_actor reader,
                                    bool chained) {
  auto& st = self->state;
  st.id = id;
  st.chained = chained;
  enter_census(self, metrics::actor_kind::user);
  st.registry = std::move(registry);
  st.writer = std::move(writer);
  st.reader = std::move(reader);
  self->set_down_handler([self](caf::down_msg& msg) {
    note_exit(self, metrics::actor_kind::user, msg.source, msg.reason);
    detach(self, msg.source);
  });
  return {
      [self](attach_atom, session_actor& session, stream_options& stream) {
        attach(self, session, stream);
      },
      [self](route_atom, chat_message& msg, const session_actor& origin) {
        take_route(self, msg, origin);
      },
      [self](chain_atom) { start_stream(self); },
      [self](gap_atom) { read_gap(self); },
      [self](resync_atom) { read_gap(self, true); },
      [self](sync_atom, const session_actor& session, message_id after) {
        auto* entry = find_session(self, session.address());
        if (entry == nullptr) return;
        // Answered (synced_atom) when this catch-up, or one that supersedes
        // it, has ended, so that sync frames count against backpressure.
        ++entry->syncs_owed;
        resume_from(self, *entry, after);
      },
      [self](confirm_atom, const session_actor& session, message_id through) {
        if (auto* entry = find_session(self, session.address()))
          confirm(self, *entry, through);
      },
      [self](read_atom, const session_actor& session, user_id peer,
             message_id up_to) {
        if (auto* entry = find_session(self, session.address()))
          read_up_to(self, *entry, peer, up_to);
      },
      [self](receipt_atom, const receipt& x) {
        // Receipts go to clients that speak the whole protocol (they ack);
        // plain connections keep the seed design's set of frames.
        // A catching-up session gets it in order with its messages, after
        // the message_sent it may refer to (a receipt frame carries no id
        // of its own: it moves no cursor).
        shared_frame frame; // encoded on first use
        for (auto& entry : self->state.sessions) {
          if (!entry.acks) continue;
          if (!frame.text) frame = make_shared_frame(json::encode_receipt(x));
          metrics::node().receipts_sent.add(); // now, or after the catch-up
          if (entry.live)
            hand_over(self, entry, frame);
          else
            hold(entry, held_route{x.up_to, frame, true, 0});
        }
      },
      [self](presence_atom, user_id peer, bool online) {
        tell_presence(self, peer, online);
      },
      [self](typing_atom, const typing_notice& notice) {
        tell_typing(self, notice);
      },
      [self](describe_atom) { return describe_sessions(self); },
      [self](kick_atom) { return kick_sessions(self); },
      [self](stop_atom) { self->quit(); },
      [](drain_atom) { return true; },
  };
}

} // namespace parley
