// The user actor: fan-out to a user's sessions, resume and offline push.
//
// A session is either live (frames go straight to it) or catching up (a
// replay after ?since= / sync, or the offline push of a plain connection).
// While catching up, live frames for it are held. When catch-up ends, the
// held frames that catch-up already covered are dropped and the rest are
// released in id order: no gap, no duplicate (ARCHITECTURE.md, 3).
// This works because the writer commits in id order and routes only after
// commit: anything committed before a catch-up query started is in its
// answer, anything committed later reaches this actor after holding began.
// A route may also arrive after the catch-up answer that already contained
// its message (the answer takes a shorter path); routes arrive in id order,
// so each session drops live routes at or below the last id its catch-up
// handed over (sent_through).
#include "actors/user.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "proto/json/server_frame.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = user_actor::stateful_pointer<user_state>;

/// Rows per replay or push page: bounds memory per catch-up step.
constexpr std::uint32_t catch_up_page_rows = 500;

/// Catch-up queries run on the database; allow for a slow disk.
constexpr auto catch_up_timeout = std::chrono::seconds(30);

attached_session* find_session(self_pointer self, const caf::actor_addr& who) {
  for (auto& entry : self->state.sessions)
    if (entry.handle.address() == who) return &entry;
  return nullptr;
}

bool is_incoming(self_pointer self, const chat_message& msg) {
  return msg.recipient_id == self->state.id;
}

shared_frame encode_for_user(self_pointer self, const chat_message& msg) {
  return make_shared_frame(is_incoming(self, msg)
                               ? json::encode_incoming_message(msg)
                               : json::encode_outgoing_message(msg));
}

/// Deliveries to this user happen in id order (ARCHITECTURE.md, 3), so the
/// highest id handed over says what was delivered; 0 means nothing was.
void mark_delivered(self_pointer self, message_id through) {
  if (through > 0)
    self->send(self->state.writer, delivered_atom::value, self->state.id,
               through);
}

/// Ends a replay that covered every id up to `last`: held frames above it
/// go out; live routes at or below it that arrive later are dropped, since
/// a route can arrive after the replay that already contained its message
/// (it travels writer → registry → user, the replay reader → user).
void finish_replay(self_pointer self, attached_session& entry,
                   message_id last) {
  message_id delivered = 0;
  for (auto& [msg, frame] : entry.held) {
    if (msg.id <= last) continue;
    self->send(entry.handle, deliver_atom::value, frame);
    if (is_incoming(self, msg)) delivered = msg.id;
  }
  entry.held.clear();
  entry.sent_through = last;
  entry.live = true;
  mark_delivered(self, delivered);
}

/// Ends an offline push: the claimed messages and the live traffic held
/// meanwhile go out merged in id order, each once (another session may
/// have claimed older messages whose routes were held here).
void finish_push(self_pointer self, attached_session& entry) {
  auto& out = entry.claimed;
  for (auto& held : entry.held)
    out.push_back(std::move(held.first));
  entry.held.clear();
  std::sort(out.begin(), out.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  message_id delivered = 0;
  message_id previous = 0;
  for (auto& msg : out) {
    if (msg.id == previous) continue; // claimed here and held as a route
    previous = msg.id;
    self->send(entry.handle, deliver_atom::value, encode_for_user(self, msg));
    if (is_incoming(self, msg)) delivered = msg.id;
  }
  entry.sent_through = std::max(entry.sent_through, previous);
  out.clear();
  entry.live = true;
  mark_delivered(self, delivered);
}

/// The catch-up query failed: the session cannot be brought up to date, so
/// it ends (its connection closes with 1011) and the client resumes later.
void abandon(self_pointer self, const session_actor& session,
             const caf::error& err) {
  self->send_exit(session, err);
}

void replay_page(self_pointer self, session_actor session,
                 std::uint64_t generation, message_id after) {
  auto& st = self->state;
  self->request(st.reader, catch_up_timeout, replay_atom::value, st.id, after,
                catch_up_page_rows)
      .then(
          [=](std::vector<chat_message>& page) {
            auto* entry = find_session(self, session.address());
            if (entry == nullptr || entry->catch_up != generation)
              return; // session gone or a newer sync superseded this one
            message_id delivered = 0;
            for (auto& msg : page) {
              self->send(session, deliver_atom::value,
                         encode_for_user(self, msg));
              if (is_incoming(self, msg)) delivered = msg.id;
            }
            mark_delivered(self, delivered);
            auto last = page.empty() ? after : page.back().id;
            if (page.size() == catch_up_page_rows) {
              replay_page(self, session, generation, last);
              return;
            }
            self->send(session, deliver_atom::value,
                       make_shared_frame(json::encode_sync_complete(last)));
            finish_replay(self, *entry, last);
          },
          [=](caf::error& err) { abandon(self, session, err); });
}

void push_page(self_pointer self, session_actor session,
               std::uint64_t generation) {
  auto& st = self->state;
  self->request(st.writer, catch_up_timeout, claim_atom::value, st.id)
      .then(
          [=](std::vector<chat_message>& page) {
            auto* entry = find_session(self, session.address());
            if (entry == nullptr || entry->catch_up != generation) return;
            auto full = page.size() >= catch_up_page_rows;
            auto& claimed = entry->claimed;
            claimed.insert(claimed.end(), std::make_move_iterator(page.begin()),
                           std::make_move_iterator(page.end()));
            // A full page may mean more; claimed rows never come back, so the
            // next claim continues where this one ended.
            if (full)
              push_page(self, session, generation);
            else
              finish_push(self, *entry);
          },
          [=](caf::error& err) { abandon(self, session, err); });
}

void start_catch_up(self_pointer self, attached_session& entry,
                    message_id since) {
  entry.live = false;
  entry.catch_up = ++self->state.next_catch_up;
  entry.claimed.clear();
  if (since == no_resume)
    push_page(self, entry.handle, entry.catch_up);
  else
    replay_page(self, entry.handle, entry.catch_up, since);
}

void attach(self_pointer self, session_actor& session, message_id since) {
  ++self->state.attaches_seen;
  self->monitor(session);
  attached_session entry;
  entry.handle = session;
  self->state.sessions.push_back(std::move(entry));
  start_catch_up(self, self->state.sessions.back(), since);
}

void route(self_pointer self, const chat_message& msg,
           const session_actor& origin) {
  auto incoming = is_incoming(self, msg);
  shared_frame frame; // encoded once, on first use, shared by all sessions
  bool handed_over = false;
  for (auto& entry : self->state.sessions) {
    if (!incoming && entry.handle == origin)
      continue; // the sender's own connection gets message_sent instead
    if (!frame.text) frame = encode_for_user(self, msg);
    if (entry.live) {
      if (msg.id <= entry.sent_through)
        continue; // its catch-up already handed this message over
      self->send(entry.handle, deliver_atom::value, frame);
      handed_over = true;
    } else {
      entry.held.emplace_back(msg, frame);
    }
  }
  if (incoming && handed_over) mark_delivered(self, msg.id);
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
                                    writer_actor writer, reader_actor reader) {
  auto& st = self->state;
  st.id = id;
  st.registry = std::move(registry);
  st.writer = std::move(writer);
  st.reader = std::move(reader);
  self->set_down_handler(
      [self](caf::down_msg& msg) { detach(self, msg.source); });
  return {
      [self](attach_atom, session_actor& session, message_id since) {
        attach(self, session, since);
      },
      [self](route_atom, const chat_message& msg, const session_actor& origin) {
        route(self, msg, origin);
      },
      [self](sync_atom, const session_actor& session, message_id after) {
        if (auto* entry = find_session(self, session.address()))
          start_catch_up(self, *entry, after);
      },
      [self](stop_atom) { self->quit(); },
  };
}

} // namespace parley
