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

/// Recipients are checked before a message joins a batch, so that one bad
/// row cannot fail its neighbours.
caf::error check_recipient(self_pointer self, user_id recipient) {
  auto& known = self->state.known_users;
  if (known.count(recipient) > 0) return caf::none;
  auto exists = self->state.db->user_exists(recipient);
  if (!exists) return std::move(exists.error());
  if (!*exists) return make_error(error_code::unknown_recipient);
  known.insert(recipient);
  return caf::none;
}

/// Answers one stored row: ack to the sender, route to both users.
void settle(self_pointer self, pending_store& entry,
            persistence::insert_outcome& outcome) {
  if (outcome.error) {
    entry.promise.deliver(std::move(outcome.error));
    return;
  }
  if (!outcome.duplicate) {
    self->state.maybe_undelivered.insert(outcome.message.recipient_id);
    if (self->state.registry)
      self->send(self->state.registry, route_atom::value, outcome.message,
                 entry.origin);
  }
  entry.promise.deliver(std::move(outcome.message));
}

/// Writes one batch; if the transaction fails as a whole, retries each row
/// on its own so that only the offending one gets an error.
void write_batch(self_pointer self, std::vector<pending_store>& batch) {
  std::vector<chat_message> rows;
  rows.reserve(batch.size());
  auto sent_at = now_ms();
  for (auto& entry : batch) {
    entry.message.sent_at_ms = sent_at;
    rows.push_back(entry.message);
  }
  auto outcomes = self->state.db->insert_messages(rows);
  if (outcomes && outcomes->size() == batch.size()) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      settle(self, batch[i], (*outcomes)[i]);
    return;
  }
  if (batch.size() == 1) {
    auto err = outcomes ? make_error(error_code::internal) : outcomes.error();
    batch.front().promise.deliver(std::move(err));
    return;
  }
  for (auto& entry : batch) {
    std::vector<pending_store> single;
    single.push_back(std::move(entry));
    write_batch(self, single);
  }
}

void flush_messages(self_pointer self) {
  auto& stores = self->state.stores;
  while (!stores.empty()) {
    auto count = std::min(stores.size(), max_batch_rows);
    std::vector<pending_store> batch(
        std::make_move_iterator(stores.begin()),
        std::make_move_iterator(stores.begin() + count));
    stores.erase(stores.begin(), stores.begin() + count);
    write_batch(self, batch);
  }
}

/// Delivery marks are best effort: a lost mark means the message may be
/// pushed once more on a later connection, never that it is lost.
void flush_delivered(self_pointer self) {
  auto& ids = self->state.delivered;
  if (ids.empty()) return;
  if (auto err = self->state.db->mark_delivered(ids))
    caf::aout(self) << "parley: could not mark deliveries: " << message_of(err)
                    << std::endl;
  ids.clear();
}

void flush_presence(self_pointer self) {
  auto& changes = self->state.presence;
  if (changes.empty()) return;
  if (auto err = self->state.db->set_presence(changes))
    caf::aout(self) << "parley: could not store presence: " << message_of(err)
                    << std::endl;
  changes.clear();
}

void flush_all(self_pointer self) {
  self->state.flush_scheduled = false;
  flush_messages(self);
  flush_delivered(self);
  flush_presence(self);
}

caf::result<std::vector<chat_message>> claim(self_pointer self, user_id user) {
  auto& st = self->state;
  if (st.maybe_undelivered_loaded && st.maybe_undelivered.count(user) == 0)
    return std::vector<chat_message>{};
  // Marks queued before this claim must land first, or the claim would
  // hand out messages that a live session already has.
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
  self->state.maybe_undelivered.insert(users->begin(), users->end());
  self->state.maybe_undelivered_loaded = true;
}

caf::result<chat_message> accept_store(self_pointer self, chat_message& msg,
                                       session_actor& origin) {
  if (auto err = check_recipient(self, msg.recipient_id)) return err;
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
        auto created = self->state.db->create_user(username, password_hash);
        if (created) self->state.known_users.insert(created->id);
        return reply(std::move(created));
      },
      [self](claim_atom, user_id user) { return claim(self, user); },
      [self](delivered_atom, std::vector<message_id>& ids) {
        auto& all = self->state.delivered;
        all.insert(all.end(), ids.begin(), ids.end());
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
        flush_all(self);
        return true;
      },
      [self](flush_atom) { flush_all(self); },
  };
}

} // namespace parley
