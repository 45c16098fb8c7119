// Catch-up of one session: the offline push (messages to the user above its
// device's cursor) or the replay after ?since= / sync (messages to and from
// the user after a cursor), page by page, then live.
//
//   start ─► request page ─► send page in chunks ─(queue drained)─► ...
//              ▲                                                    │
//              └──────────── page was full, or held routes ◄────────┘
//                            overflowed                             │
//                                                   last page ─► finish: live
//
// No gap, no duplicate (ARCHITECTURE.md, 3): live routes for the session are
// held while it catches up and merged into its stream by id: a held route
// that a page also holds is dropped, the others go out before the first
// page message with a larger id, the rest when catch-up ends. This works
// because the writer commits in id order and routes only after commit: a
// message committed before a page's query started is in that page or an
// earlier one, a message committed later reaches this actor after holding
// began. When too many routes pile up, the copies are dropped and the
// catch-up reads on, since everything it dropped is stored.
//
// Pacing: a page goes out in chunks of at most pace_bytes; before the next
// chunk the session's connection must have drained its queue below its low
// mark, so a backlog of any size reaches a slow client without overflowing
// its bounded queue (and without being held here in full).
#include "actors/user_catch_up.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/metrics/node_metrics.hpp"
#include "proto/json/server_frame.hpp"
#include "proto/limits.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// Rows per page: bounds what one catch-up step holds in memory.
constexpr std::uint32_t page_rows = 200;

/// Bytes handed to a connection before waiting for it to drain; with the
/// connection's low mark this keeps its queue well under its 1 MiB bound.
constexpr std::size_t pace_bytes = 256 * 1024;

/// Live routes held for one catching-up session before the copies go.
constexpr std::size_t max_held_routes = 1000;

/// Incoming messages per session remembered for receipts until confirmed.
constexpr std::size_t max_unconfirmed = 10000;

/// Catch-up queries run on the database; allow for a slow disk.
constexpr auto page_timeout = std::chrono::seconds(30);

/// A client that reads nothing for this long while catching up is dropped.
constexpr auto pace_timeout = std::chrono::seconds(120);

bool is_incoming(user_pointer self, const chat_message& msg) {
  return msg.recipient_id == self->state.id;
}

shared_frame encode_for_user(user_pointer self, const chat_message& msg) {
  return make_shared_frame(is_incoming(self, msg)
                               ? json::encode_incoming_message(msg)
                               : json::encode_outgoing_message(msg),
                           msg.id);
}

/// The catch-up cannot go on (a query failed, the client stopped reading):
/// the session ends, its connection closes, and the client comes back later.
void abandon(user_pointer self, const session_actor& session,
             const caf::error& err) {
  self->send_exit(session, err);
}

/// The session's entry if it still runs catch-up `generation`.
attached_session* current(user_pointer self, const session_actor& session,
                          std::uint64_t generation) {
  auto* entry = find_session(self, session.address());
  if (entry == nullptr || entry->catch_up != generation) return nullptr;
  return entry;
}

/// Sends the held routes with ids below `id`; drops held copies of `id`
/// itself, which the page carries.
void release_held_below(user_pointer self, attached_session& entry,
                        message_id id) {
  auto& held = entry.held;
  auto end = held.begin();
  while (end != held.end() && end->id <= id && (end->id < id || !end->is_ack)) {
    if (end->id < id) {
      hand_over(self, entry, end->frame, end->sender);
      if (!end->is_ack) metrics::node().messages_delivered.add();
    }
    ++end;
  }
  held.erase(held.begin(), end);
}

void request_page(user_pointer self, attached_session& entry);
void send_page(user_pointer self, attached_session& entry);

/// Waits until the session's connection drained, then goes on with `next`.
template <class Next>
void after_drain(user_pointer self, attached_session& entry, Next next) {
  auto session = entry.handle;
  auto generation = entry.catch_up;
  self->request(session, pace_timeout, pace_atom::value)
      .then(
          [=](bool) {
            if (auto* again = current(self, session, generation)) next(*again);
          },
          [=](caf::error& err) { abandon(self, session, err); });
}

/// A client that was away learns the receipts for what it sent, after its
/// catch-up (receipts carry no message id of their own, so they need no
/// place in the ordered stream).
void replay_receipts(user_pointer self, const session_actor& session) {
  auto& st = self->state;
  self->request(
          st.reader, page_timeout, receipts_atom::value, st.id,
          static_cast<std::uint32_t>(limits::max_replayed_receipt_readers))
      .then(
          [=](std::vector<receipt>& receipts) {
            for (const auto& x : receipts)
              self->send(session, deliver_atom::value,
                         make_shared_frame(json::encode_receipt(x)));
            metrics::node().receipts_sent.add(receipts.size());
          },
          [](caf::error&) {
            // Receipts are a courtesy: the next resume tries again.
          });
}

/// Ends the catch-up: sync_complete names the last id replayed, then the
/// held routes above it go out and the session is live.
void finish(user_pointer self, attached_session& entry) {
  auto& counts = metrics::node();
  (entry.replay ? counts.replay_messages : counts.push_messages)
      .observe(entry.catch_up_messages);
  if (entry.replay)
    self->send(entry.handle, deliver_atom::value,
               make_shared_frame(json::encode_sync_complete(entry.position)));
  for (auto& route : entry.held) {
    if (!route.is_ack && route.id <= entry.handed) continue;
    hand_over(self, entry, route.frame, route.sender);
    if (!route.is_ack) counts.messages_delivered.add();
  }
  entry.held.clear();
  entry.held.shrink_to_fit();
  entry.live = true;
  if (entry.acks) replay_receipts(self, entry.handle);
  if (entry.syncs_owed > 0) {
    self->send(entry.handle, synced_atom::value, entry.syncs_owed);
    entry.syncs_owed = 0;
  }
}

/// The page is out: read on, or end the catch-up.
void page_sent(user_pointer self, attached_session& entry, bool full) {
  if (full) {
    after_drain(self, entry,
                [self](attached_session& e) { request_page(self, e); });
  } else if (entry.held_overflow) {
    // Routes were dropped: they are stored, and a query that starts now
    // finds them; routes of later commits are held from here on.
    entry.held_overflow = false;
    request_page(self, entry);
  } else {
    finish(self, entry);
  }
}

void send_page(user_pointer self, attached_session& entry) {
  std::size_t bytes = 0;
  auto& page = entry.page;
  while (entry.next < page.size()) {
    auto& msg = page[entry.next++];
    release_held_below(self, entry, msg.id);
    auto frame = encode_for_user(self, msg);
    bytes += frame.text->size();
    hand_over(self, entry, frame,
              is_incoming(self, msg) ? msg.sender_id : user_id{0});
    metrics::node().messages_delivered.add();
    ++entry.catch_up_messages;
    entry.position = msg.id;
    if (bytes >= pace_bytes && entry.next < page.size()) {
      after_drain(self, entry,
                  [self](attached_session& e) { send_page(self, e); });
      return;
    }
  }
  auto full = page.size() == page_rows;
  page.clear();
  entry.next = 0;
  page_sent(self, entry, full);
}

void on_page(user_pointer self, attached_session& entry,
             std::vector<chat_message>& page) {
  entry.page = std::move(page);
  entry.next = 0;
  send_page(self, entry);
}

void request_page(user_pointer self, attached_session& entry) {
  auto& st = self->state;
  auto session = entry.handle;
  auto generation = entry.catch_up;
  if (entry.replay) {
    self->request(st.reader, page_timeout, replay_atom::value, st.id,
                  entry.position, page_rows)
        .then(
            [=](std::vector<chat_message>& page) {
              if (auto* e = current(self, session, generation))
                on_page(self, *e, page);
            },
            [=](caf::error& err) { abandon(self, session, err); });
    return;
  }
  auto after = entry.claimed ? entry.position : no_resume;
  self->request(st.writer, page_timeout, claim_atom::value, st.id, entry.device,
                after)
      .then(
          [=](message_id cursor, std::vector<chat_message>& page) {
            auto* e = current(self, session, generation);
            if (e == nullptr) return;
            if (!e->claimed) {
              e->claimed = true;
              e->base = cursor;
              e->position = cursor;
            }
            on_page(self, *e, page);
          },
          [=](caf::error& err) { abandon(self, session, err); });
}

} // namespace

attached_session* find_session(user_pointer self, const caf::actor_addr& who) {
  for (auto& entry : self->state.sessions)
    if (entry.handle.address() == who) return &entry;
  return nullptr;
}

void hand_over(user_pointer self, attached_session& entry,
               const shared_frame& frame, user_id sender) {
  entry.handed = std::max(entry.handed, frame.id);
  if (sender == 0) {
    // Not a message to the user: its write confirms nothing, so the
    // connection need not report it (the id only orders the stream here).
    self->send(entry.handle, deliver_atom::value, shared_frame{frame.text, 0});
    return;
  }
  self->send(entry.handle, deliver_atom::value, frame);
  entry.handed_to_user = std::max(entry.handed_to_user, frame.id);
  if (sender == self->state.id) return;
  auto& unconfirmed = entry.unconfirmed;
  if (unconfirmed.size() >= max_unconfirmed)
    unconfirmed.erase(unconfirmed.begin(),
                      unconfirmed.begin() + max_unconfirmed / 2);
  unconfirmed.emplace_back(frame.id, sender);
}

void hold(attached_session& entry, held_route route) {
  if (!route.is_ack && entry.held_overflow) return;
  entry.held.push_back(std::move(route));
  if (entry.held.size() <= max_held_routes) return;
  // A session's own acks are few (its connection pauses reading after a
  // bounded number of unanswered frames); the copies can be read again.
  auto& held = entry.held;
  held.erase(std::remove_if(held.begin(), held.end(),
                            [](const held_route& x) { return !x.is_ack; }),
             held.end());
  entry.held_overflow = true;
}

void start_catch_up(user_pointer self, attached_session& entry,
                    message_id since) {
  entry.live = false;
  entry.catch_up = ++self->state.next_catch_up;
  entry.page.clear();
  entry.next = 0;
  entry.held_overflow = false;
  entry.replay = since != no_resume;
  entry.catch_up_messages = 0;
  auto& counts = metrics::node();
  (entry.replay ? counts.replays_started : counts.pushes_started).add();
  if (entry.replay) {
    // Messages to the user in the replay continue the stream's proof of
    // delivery only if they start within what it already covered.
    if (since > std::max(entry.base, entry.handed)) entry.base = since;
    entry.position = since;
  }
  request_page(self, entry);
}

} // namespace parley
