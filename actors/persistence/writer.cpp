// The writer actor: natural batching of message inserts, delivery marks and
// presence changes. Idle, one message costs one commit and no timer; under
// load, everything that queued during a commit goes into the next one.
//
//   store ─► validate ─► stores.push ─► (flush not yet scheduled?) send flush
//   flush ─► one transaction for all queued stores ─► reply + route each
//
// The flush message goes to the back of the mailbox, so every request that
// is already queued is appended to the batch before the flush runs.
#include "actors/persistence/writer.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <caf/all.hpp>

#include "actors/persistence/reply.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

using self_pointer = writer_actor::stateful_pointer<writer_state>;

/// Upper bound of one transaction; a longer queue is split across commits
/// so that no single commit holds the database for too long.
constexpr std::size_t max_batch_rows = 1000;

/// Delivery marks wait up to this long, then go out together with the next
/// commit. Under load a batch commits every few milliseconds, and writing
/// every recipient's watermark with each would cost a users row per
/// message. A mark lost in a crash means a message may be pushed once more,
/// never that one is lost; claims, presence changes and shutdown take the
/// pending marks along at once.
constexpr auto mark_delay = std::chrono::seconds(1);

/// Rows handed out by one claim (the user actor pages through the rest).
constexpr std::size_t claim_page_rows = 500;

timestamp_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

void schedule_flush(self_pointer self) {
  if (!self->state.flush_scheduled) {
    self->state.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

/// Answers one stored row: ack to the sender, route to both users.
void settle(self_pointer self, pending_store& entry,
            persistence::insert_outcome& outcome) {
  if (outcome.error) {
    entry.promise.deliver(std::move(outcome.error));
    return;
  }
  if (!outcome.duplicate) {
    auto& newest = self->state.maybe_undelivered[outcome.message.recipient_id];
    newest = std::max(newest, outcome.message.id);
    if (self->state.registry)
      self->send(self->state.registry, route_atom::value, outcome.message,
                 entry.origin);
  }
  entry.promise.deliver(std::move(outcome.message));
}

/// Marks and presence are best effort: a lost mark means a message may be
/// pushed once more on a later connection, never that it is lost.
void commit_side_effects(self_pointer self, persistence::write_batch batch) {
  batch.messages.clear();
  if (batch.delivered.empty() && batch.presence.empty()) return;
  if (auto done = self->state.db->commit(batch); !done)
    caf::aout(self) << "parley: could not store deliveries or presence: "
                    << message_of(done.error()) << std::endl;
}

/// Commits queued stores together with marks and presence. If the
/// transaction fails as a whole, the side effects are retried on their own
/// and each message alone, so that only an offending row gets an error.
void commit_batch(self_pointer self, std::vector<pending_store>& stores,
                  persistence::write_batch batch) {
  auto sent_at = now_ms();
  for (auto& entry : stores) {
    entry.message.sent_at_ms = sent_at;
    batch.messages.push_back(entry.message);
  }
  auto outcomes = self->state.db->commit(batch);
  if (outcomes && outcomes->size() == stores.size()) {
    for (std::size_t i = 0; i < stores.size(); ++i)
      settle(self, stores[i], (*outcomes)[i]);
    return;
  }
  auto err = outcomes ? make_error(error_code::internal) : outcomes.error();
  commit_side_effects(self, std::move(batch));
  if (stores.size() == 1) {
    stores.front().promise.deliver(std::move(err));
    return;
  }
  for (auto& entry : stores) {
    std::vector<pending_store> single;
    single.push_back(std::move(entry));
    commit_batch(self, single, {});
  }
}

/// The queued delivery marks, one per user, emptied.
std::vector<persistence::delivery_mark> take_marks(self_pointer self) {
  std::vector<persistence::delivery_mark> marks;
  marks.reserve(self->state.delivered.size());
  for (const auto& [user, through] : self->state.delivered)
    marks.push_back({user, through});
  self->state.delivered.clear();
  return marks;
}

/// Everything queued goes out in as few transactions as max_batch_rows
/// allows; presence, and the marks once due, ride along with the first.
void flush_all(self_pointer self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  persistence::write_batch side_effects;
  if (st.marks_due || !st.presence.empty()) {
    side_effects.delivered = take_marks(self);
    st.marks_due = false;
  }
  side_effects.presence.swap(st.presence);
  do {
    auto count = std::min(st.stores.size(), max_batch_rows);
    std::vector<pending_store> stores(
        std::make_move_iterator(st.stores.begin()),
        std::make_move_iterator(st.stores.begin() + count));
    st.stores.erase(st.stores.begin(), st.stores.begin() + count);
    if (stores.empty())
      commit_side_effects(self, std::move(side_effects));
    else
      commit_batch(self, stores, std::move(side_effects));
    side_effects = {};
  } while (!st.stores.empty());
}

/// Marks queued before a claim must land first, or the claim would hand
/// out messages that a live session already has.
void flush_delivered(self_pointer self) {
  persistence::write_batch marks;
  marks.delivered = take_marks(self);
  commit_side_effects(self, std::move(marks));
}

caf::result<std::vector<chat_message>> claim(self_pointer self, user_id user) {
  auto& st = self->state;
  if (st.maybe_undelivered_loaded && st.maybe_undelivered.count(user) == 0)
    return std::vector<chat_message>{};
  flush_delivered(self);
  auto page = st.db->claim_undelivered(user, claim_page_rows);
  if (page && page->size() < claim_page_rows) st.maybe_undelivered.erase(user);
  return reply(std::move(page));
}

void load_maybe_undelivered(self_pointer self) {
  auto users = self->state.db->recipients_with_undelivered();
  if (!users) {
    caf::aout(self) << "parley: every connection will query for undelivered "
                       "messages: "
                    << message_of(users.error()) << std::endl;
    return;
  }
  // Their newest undelivered id is not known: only a claim clears them.
  for (auto user : *users)
    self->state.maybe_undelivered[user] =
        std::numeric_limits<message_id>::max();
  self->state.maybe_undelivered_loaded = true;
}

caf::result<chat_message> accept_store(self_pointer self, chat_message& msg,
                                       session_actor& origin) {
  auto promise = self->make_response_promise<chat_message>();
  self->state.stores.push_back(
      pending_store{std::move(msg), std::move(origin), promise});
  schedule_flush(self);
  return promise;
}

} // namespace

writer_actor::behavior_type
writer_impl(self_pointer self, std::shared_ptr<persistence::store> db) {
  self->state.db = std::move(db);
  load_maybe_undelivered(self);
  return {
      [self](store_atom, chat_message& msg, session_actor& origin) {
        return accept_store(self, msg, origin);
      },
      [self](create_atom, const std::string& username,
             const std::string& password_hash) -> caf::result<user_record> {
        return reply(self->state.db->create_user(username, password_hash));
      },
      [self](claim_atom, user_id user) { return claim(self, user); },
      [self](delivered_atom, user_id user, message_id through) {
        auto& st = self->state;
        auto& mark = st.delivered[user];
        mark = std::max(mark, through);
        // Handed everything stored for them: a claim has nothing to find.
        auto pending = st.maybe_undelivered.find(user);
        if (pending != st.maybe_undelivered.end() && pending->second <= through)
          st.maybe_undelivered.erase(pending);
        if (!st.marks_timer) {
          st.marks_timer = true;
          self->delayed_send(self, mark_delay, marks_atom::value);
        }
      },
      [self](marks_atom) {
        self->state.marks_timer = false;
        self->state.marks_due = true;
        schedule_flush(self);
      },
      [self](presence_atom, user_id user, bool online) {
        self->state.presence.push_back(persistence::presence_change{
            user, online ? presence::online : presence::offline});
        schedule_flush(self);
      },
      [self](registry_actor& registry) {
        self->state.registry = std::move(registry);
      },
      [self](drain_atom) {
        self->state.marks_due = true;
        flush_all(self);
        return true;
      },
      [self](flush_atom) { flush_all(self); },
  };
}

} // namespace parley
