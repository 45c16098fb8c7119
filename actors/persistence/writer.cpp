// The writer actor: natural batching of message inserts, delivery marks and
// presence changes. Idle, one message costs one commit and no timer; under
// load, everything that queued during a commit goes into the next one.
//
//   store ─► stores.push ─► (flush not yet scheduled?) send flush
//   flush ─► one transaction for all queued stores ─► route + reply each
//
// The flush message goes to the back of the mailbox, so every request that
// is already queued is appended to the batch before the flush runs.
//
// When the database cannot be reached:
//
//   normal ──commit fails: unavailable──► outage ──probe ok──► resolve the
//     ▲                                   │  ▲                 batch in doubt
//     │                                   └──┘ probe fails:         │
//     └───────────────────────────────────────  back off  ◄─────────┘
//
// In an outage new stores are refused at once ("unavailable": not stored),
// marks and presence wait, and the batch whose commit failed stays in
// doubt: the server may have committed it before the connection broke.
// Every commit carries a marker (this writer's name and the batch's
// number) that the database stores with it, so once the database is back
// the batch is written again under the same marker: if the first attempt
// was committed, the store answers with the rows it stored, which are
// routed now; otherwise they are stored now. Nothing is stored twice or
// lost, with or without client_msg_id.
#include "actors/persistence/writer.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <tuple>
#include <utility>

#include <caf/all.hpp>

#include "actors/actor_census.hpp"
#include "actors/metrics/node_metrics.hpp"
#include "actors/persistence/reply.hpp"
#include "actors/persistence/writer_status.hpp"
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
/// every device's cursor with each would cost a row per message. A mark
/// lost in a crash means a message may be pushed once more, never that one
/// is lost; presence changes and shutdown take the marks along at once.
constexpr auto mark_delay = std::chrono::seconds(1);

/// Rows handed out by one push page; the user actor pages with the same
/// size, so a shorter page means the end.
constexpr std::size_t push_page_rows = 200;

/// The outage loop probes the database after this, doubling up to the
/// longest delay.
constexpr auto first_retry_delay = std::chrono::milliseconds(100);
constexpr auto longest_retry_delay = std::chrono::seconds(5);

void schedule_flush(self_pointer self) {
  if (!self->state.flush_scheduled) {
    self->state.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

/// Answers one stored row: route to both users (the sending session's
/// message_sent goes that way too, in order), then the store's answer.
void settle(self_pointer self, pending_store& entry,
            persistence::insert_outcome& outcome) {
  if (outcome.error) {
    entry.promise.deliver(std::move(outcome.error));
    return;
  }
  auto& msg = outcome.message;
  msg.received_ns = entry.message.received_ns;
  if (!outcome.duplicate) {
    metrics::node().messages_stored.add();
    self->state.cursors.note_stored(msg.recipient_id, msg.id);
    if (self->state.registry)
      self->send(self->state.registry, route_atom::value, msg, entry.origin);
  }
  entry.promise.deliver(std::move(msg), outcome.duplicate);
}

void refuse(self_pointer self, pending_store& entry, const char* why) {
  ++self->state.outage.refused;
  entry.promise.deliver(make_error(error_code::unavailable, why));
}

/// Stores whose deadline passed while they waited are answered, unstored,
/// with unavailable: the client may resend them without a second copy.
void refuse_expired(self_pointer self) {
  auto& stores = self->state.stores;
  auto now = wall_clock_ms();
  auto expired = std::stable_partition(
      stores.begin(), stores.end(),
      [now](const pending_store& x) { return x.deadline >= now; });
  for (auto i = expired; i != stores.end(); ++i)
    i->promise.deliver(
        make_error(error_code::unavailable,
                   "not stored: the database did not keep up; send it again"));
  stores.erase(expired, stores.end());
}

void start_outage(self_pointer self, const caf::error& why) {
  auto& outage = self->state.outage;
  if (outage.active) return;
  outage.active = true;
  outage.since = std::chrono::steady_clock::now();
  outage.refused = 0;
  outage.retry_delay = first_retry_delay;
  caf::aout(self) << "parley: the database is unavailable (" << message_of(why)
                  << "); new messages are refused until it is back"
                  << std::endl;
  self->delayed_send(self, outage.retry_delay, probe_atom::value);
}

void queue_receipt(self_pointer self, const receipt& x) {
  auto& up_to = self->state.receipts[{x.reader, x.sender, x.read}];
  up_to = std::max(up_to, x.up_to);
}

/// The receipts that came in since the last flush go to the registry in
/// one message; they follow the routes of the messages they confirm, which
/// the writer sent before.
void route_receipts(self_pointer self) {
  auto& st = self->state;
  if (st.receipts_to_route.empty() || !st.registry) return;
  self->send(st.registry, receipt_atom::value,
             std::exchange(st.receipts_to_route, {}));
}

std::vector<receipt> take_receipts(self_pointer self) {
  std::vector<receipt> result;
  for (const auto& [key, up_to] : self->state.receipts)
    result.push_back(
        {std::get<0>(key), std::get<1>(key), up_to, std::get<2>(key)});
  self->state.receipts.clear();
  return result;
}

/// Marks and presence that could not be committed wait for the next commit.
void keep_side_effects(self_pointer self, persistence::write_batch& batch) {
  auto& st = self->state;
  for (const auto& x : batch.receipts)
    queue_receipt(self, x);
  st.cursors.give_back(batch.delivered);
  st.presence.insert(st.presence.begin(), batch.presence.begin(),
                     batch.presence.end());
}

/// Marks and presence alone. A failure other than an outage loses them: a
/// lost mark means a message may be pushed once more, never that it is
/// lost.
void commit_side_effects(self_pointer self, persistence::write_batch batch) {
  batch.messages.clear();
  if (batch.delivered.empty() && batch.presence.empty() &&
      batch.receipts.empty())
    return;
  auto done = self->state.db->commit(batch);
  if (done) return;
  if (code_of(done.error()) == error_code::unavailable) {
    keep_side_effects(self, batch);
    start_outage(self, done.error());
    return;
  }
  caf::aout(self) << "parley: could not store deliveries or presence: "
                  << message_of(done.error()) << std::endl;
}

/// A new commit's marker: this writer's next batch number, sent at `at`.
persistence::commit_marker next_marker(self_pointer self, timestamp_ms at) {
  auto& st = self->state;
  return {st.writer_name, ++st.batches_made, at};
}

/// Commits stores together with marks and presence under `marker` (its
/// time is the messages' sent_at). If the database is unreachable, the
/// stores wait in doubt (see above); if the transaction fails otherwise,
/// the side effects are retried on their own and each message alone, so
/// that only an offending row gets an error.
void commit_batch(self_pointer self, std::vector<pending_store>& stores,
                  persistence::write_batch batch,
                  const persistence::commit_marker& marker) {
  for (auto& entry : stores) {
    entry.message.sent_at_ms = marker.at;
    batch.messages.push_back(entry.message);
  }
  batch.marker = marker;
  auto started = std::chrono::steady_clock::now();
  auto outcomes = self->state.db->commit(batch);
  if (outcomes && outcomes->size() == stores.size()) {
    auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    auto& counts = metrics::node();
    counts.commit_seconds.observe(static_cast<std::uint64_t>(took));
    counts.batch_rows.observe(stores.size());
    self->state.last_batches.record(
        batch_record{marker.at, static_cast<std::uint32_t>(stores.size()),
                     static_cast<std::uint32_t>(took / 1000)});
    for (std::size_t i = 0; i < stores.size(); ++i)
      settle(self, stores[i], (*outcomes)[i]);
    return;
  }
  auto err = outcomes ? make_error(error_code::internal) : outcomes.error();
  if (code_of(err) == error_code::unavailable) {
    auto& outage = self->state.outage;
    keep_side_effects(self, batch);
    outage.in_doubt_marker = marker;
    for (auto& entry : stores)
      outage.in_doubt.push_back(std::move(entry));
    start_outage(self, err);
    return;
  }
  batch.marker = {};
  commit_side_effects(self, std::move(batch));
  if (stores.size() == 1) {
    stores.front().promise.deliver(std::move(err));
    return;
  }
  for (auto& entry : stores) {
    std::vector<pending_store> single;
    single.push_back(std::move(entry));
    commit_batch(self, single, {}, next_marker(self, marker.at));
  }
}

/// Everything queued goes out in as few transactions as max_batch_rows
/// allows; presence, and the marks once due, ride along with the first.
void flush_all(self_pointer self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  metrics::node().writer_mailbox.set(
      static_cast<std::int64_t>(self->mailbox().size()));
  route_receipts(self); // live news, whether or not the database is there
  refuse_expired(self);
  if (st.outage.active) {
    for (auto& entry : st.stores)
      refuse(self, entry, "not stored: the database is unavailable");
    st.stores.clear();
    return; // marks and presence wait for the database
  }
  persistence::write_batch side_effects;
  if (st.marks_due || !st.presence.empty()) {
    side_effects.delivered = st.cursors.take_marks();
    side_effects.receipts = take_receipts(self);
    st.marks_due = false;
  }
  side_effects.presence.swap(st.presence);
  for (const auto& change : side_effects.presence)
    if (change.status == presence::offline) st.cursors.forget(change.user);
  do {
    auto count = std::min(st.stores.size(), max_batch_rows);
    std::vector<pending_store> stores(
        std::make_move_iterator(st.stores.begin()),
        std::make_move_iterator(st.stores.begin() + count));
    st.stores.erase(st.stores.begin(), st.stores.begin() + count);
    if (stores.empty())
      commit_side_effects(self, std::move(side_effects));
    else
      commit_batch(self, stores, std::move(side_effects),
                   next_marker(self, wall_clock_ms()));
    side_effects = {};
  } while (!st.stores.empty() && !st.outage.active);
}

/// The outage loop: probe; when the database answers, write the batch in
/// doubt again and go back to normal.
void probe(self_pointer self) {
  auto& st = self->state;
  auto& outage = st.outage;
  if (!outage.active) return;
  if (auto err = st.db->probe()) {
    outage.retry_delay = std::min(
        outage.retry_delay * 2, std::chrono::milliseconds{longest_retry_delay});
    self->delayed_send(self, outage.retry_delay, probe_atom::value);
    return;
  }
  outage.active = false;
  auto in_doubt = std::move(outage.in_doubt);
  outage.in_doubt.clear();
  auto seconds = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - outage.since)
                     .count();
  caf::aout(self) << "parley: the database is back after " << seconds << " s; "
                  << outage.refused << " messages were refused meanwhile, "
                  << in_doubt.size() << " in doubt are written again"
                  << std::endl;
  if (!in_doubt.empty())
    commit_batch(self, in_doubt, {}, outage.in_doubt_marker);
  st.marks_due = true;
  schedule_flush(self);
}

caf::result<chat_message, bool> accept_store(self_pointer self,
                                             chat_message& msg,
                                             session_actor& origin,
                                             timestamp_ms deadline) {
  auto promise = self->make_response_promise<chat_message, bool>();
  self->state.stores.push_back(
      pending_store{std::move(msg), std::move(origin), deadline, promise});
  schedule_flush(self);
  return promise;
}

using page_result = caf::result<message_id, std::vector<chat_message>>;

page_result claim(self_pointer self, user_id user, const std::string& device,
                  message_id after) {
  auto& st = self->state;
  auto page = st.cursors.page(*st.db, user, device, after, push_page_rows);
  if (!page) return std::move(page.error());
  return page_result{page->cursor, std::move(page->messages)};
}

/// Marks and receipts go out with the first commit after mark_delay.
void start_marks_timer(self_pointer self) {
  if (self->state.marks_timer) return;
  self->state.marks_timer = true;
  self->delayed_send(self, mark_delay, marks_atom::value);
}

void queue_mark(self_pointer self, user_id user, const std::string& device,
                message_id base, message_id through) {
  auto& st = self->state;
  auto queued = st.cursors.mark(*st.db, user, device, base, through);
  if (!queued) {
    // In an outage the mark is lost: its messages come once more later.
    if (!st.outage.active)
      caf::aout(self) << "parley: could not read a delivery cursor: "
                      << message_of(queued.error()) << std::endl;
    return;
  }
  if (*queued) start_marks_timer(self);
}

/// Receipts are stored with the marks and passed on with the next flush.
void take_receipts_in(self_pointer self, const std::vector<receipt>& incoming) {
  if (incoming.empty()) return;
  auto& st = self->state;
  for (const auto& x : incoming)
    queue_receipt(self, x);
  st.receipts_to_route.insert(st.receipts_to_route.end(), incoming.begin(),
                              incoming.end());
  start_marks_timer(self);
  schedule_flush(self);
}

/// A name no earlier run used: 64 random bits in hex.
std::string random_writer_name() {
  std::random_device entropy;
  std::uint64_t bits = (std::uint64_t{entropy()} << 32) | entropy();
  static constexpr char digits[] = "0123456789abcdef";
  std::string prefix;
  for (int shift = 60; shift >= 0; shift -= 4)
    prefix += digits[(bits >> shift) & 0xf];
  return prefix;
}

} // namespace

writer_actor::behavior_type writer_impl(self_pointer self,
                                        std::shared_ptr<persistence::store> db,
                                        bool shared_database) {
  enter_census(self, metrics::actor_kind::writer);
  auto& st = self->state;
  st.db = std::move(db);
  st.db->on_reconnect([] { metrics::node().database_reconnects.add(); });
  st.writer_name = random_writer_name();
  if (shared_database) st.cursors.share_database();
  st.cursors.load_backlog(*st.db);
  return {
      [self](store_atom, chat_message& msg, session_actor& origin,
             timestamp_ms deadline) {
        return accept_store(self, msg, origin, deadline);
      },
      [self](create_atom, const std::string& username,
             const std::string& password_hash) -> caf::result<user_record> {
        return reply(self->state.db->create_user(username, password_hash));
      },
      [self](claim_atom, user_id user, const std::string& device,
             message_id after) { return claim(self, user, device, after); },
      [self](delivered_atom, user_id user, const std::string& device,
             message_id base, message_id through,
             const std::vector<receipt>& receipts) {
        if (through > 0) queue_mark(self, user, device, base, through);
        take_receipts_in(self, receipts);
      },
      [self](receipt_atom, const receipt& x) { take_receipts_in(self, {x}); },
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
      [self](probe_atom) { probe(self); },
      [self](status_atom) {
        return describe_writer(self->state, self->mailbox().size());
      },
  };
}

} // namespace parley
