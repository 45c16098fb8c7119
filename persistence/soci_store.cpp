// The portable SQL of every store operation, and the error handling around it.
#include "persistence/soci_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "persistence/inserted_rows.hpp"

namespace parley::persistence {

namespace {

// Long id lists are split so that no statement grows without bound.
constexpr std::size_t max_ids_per_statement = 500;

constexpr const char* select_messages =
    "SELECT m.id, m.sender_id, u.username, m.receiver_id, m.content, "
    "m.client_msg_id, m.sent_at_ms "
    "FROM messages m JOIN users u ON u.id = m.sender_id";

// Duplicates are answered by the lookup below instead of an error, so that
// one resent message never aborts the transaction of its batch.
constexpr const char* insert_message =
    "INSERT INTO messages "
    "(sender_id, receiver_id, content, client_msg_id, sent_at_ms) "
    "VALUES (:sender, :receiver, :content, :client_msg_id, :sent_at_ms) "
    "ON CONFLICT DO NOTHING RETURNING id";

// The offline push reads above a device's cursor.
constexpr const char* messages_to_receiver =
    " WHERE m.receiver_id = :receiver AND m.id > :after"
    " ORDER BY m.id LIMIT :limit";

// A receipt raises a conversation's cursors, never lowers them.
constexpr const char* upsert_receipt =
    "INSERT INTO conversation_cursors "
    "(owner_id, peer_id, delivered_through, read_through) "
    "VALUES (:owner, :peer, :delivered, :read) "
    "ON CONFLICT (owner_id, peer_id) DO UPDATE SET "
    "delivered_through = CASE WHEN excluded.delivered_through > "
    "conversation_cursors.delivered_through THEN excluded.delivered_through "
    "ELSE conversation_cursors.delivered_through END, "
    "read_through = CASE WHEN excluded.read_through > "
    "conversation_cursors.read_through THEN excluded.read_through "
    "ELSE conversation_cursors.read_through END";

// A user's conversations: the newest message per peer, found from both
// sides' indexes (sender_id, id) and (receiver_id, id); then the peer, the
// message, both directions' receipts and the unread count, which reads
// messages_conversation from the read cursor on.
constexpr const char* select_conversations =
    "SELECT c.peer, p.username, p.status, m.id, m.sender_id, s.username, "
    "m.receiver_id, m.content, m.sent_at_ms, "
    "COALESCE(mine.read_through, 0), COALESCE(theirs.delivered_through, 0), "
    "COALESCE(theirs.read_through, 0), "
    "(SELECT COUNT(*) FROM messages x WHERE x.sender_id = c.peer "
    "AND x.receiver_id = :u3 AND x.id > COALESCE(mine.read_through, 0)) "
    "FROM (SELECT peer, MAX(last_id) AS last_id FROM ("
    "SELECT receiver_id AS peer, MAX(id) AS last_id FROM messages "
    "WHERE sender_id = :u1 GROUP BY receiver_id UNION ALL "
    "SELECT sender_id AS peer, MAX(id) AS last_id FROM messages "
    "WHERE receiver_id = :u2 GROUP BY sender_id) AS sides "
    "GROUP BY peer) AS c "
    "JOIN users p ON p.id = c.peer JOIN messages m ON m.id = c.last_id "
    "JOIN users s ON s.id = m.sender_id "
    "LEFT JOIN conversation_cursors mine ON mine.owner_id = :u4 "
    "AND mine.peer_id = c.peer "
    "LEFT JOIN conversation_cursors theirs ON theirs.owner_id = c.peer "
    "AND theirs.peer_id = :u5 "
    "WHERE c.last_id < :before ORDER BY c.last_id DESC LIMIT :limit";

// A user's conversation peers, most recent first: both sides' indexes, as
// for the conversations above, without the rows around them.
constexpr const char* select_conversation_peers =
    "SELECT peer FROM ("
    "SELECT receiver_id AS peer, MAX(id) AS last_id FROM messages "
    "WHERE sender_id = :u1 GROUP BY receiver_id UNION ALL "
    "SELECT sender_id AS peer, MAX(id) AS last_id FROM messages "
    "WHERE receiver_id = :u2 GROUP BY sender_id) AS sides "
    "WHERE peer <> :u3 GROUP BY peer ORDER BY MAX(last_id) DESC "
    "LIMIT :limit";

// Messages matching either of two predicates, paged by id in `order`. Each
// side is ordered and limited on its own so that it reads its index from one
// end and stops after `limit` rows, instead of sorting every match; IN also
// removes the overlap when both sides are the same user.
std::string two_sided_page(const char* first, const char* second,
                           const char* order) {
  auto side = [order](const char* where, const char* name) {
    return std::string{"SELECT id FROM (SELECT id FROM messages WHERE "} +
           where + " ORDER BY id " + order + " LIMIT :" + name + ") AS " + name;
  };
  return std::string{select_messages} + " WHERE m.id IN (" + side(first, "l1") +
         " UNION ALL " + side(second, "l2") + ") ORDER BY m.id " + order +
         " LIMIT :l3";
}

long long sql_limit(std::size_t limit) {
  constexpr auto most = std::numeric_limits<long long>::max();
  return limit > static_cast<std::size_t>(most) ? most
                                                : static_cast<long long>(limit);
}

// Calls f with "[1,2,3]" (a JSON array, bound as :ids) for each slice.
template <class F>
void for_each_id_list(const std::vector<std::int64_t>& ids, F f) {
  for (std::size_t start = 0; start < ids.size();
       start += max_ids_per_statement) {
    auto end = std::min(ids.size(), start + max_ids_per_statement);
    std::string list = "[";
    for (auto i = start; i < end; ++i)
      list += (i == start ? "" : ",") + std::to_string(ids[i]);
    f(list + "]");
  }
}

// Driver messages span lines (libpq adds hints); logs want one line each.
std::string one_line(std::string x) {
  std::replace_if(
      x.begin(), x.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  while (!x.empty() && x.back() == ' ')
    x.pop_back();
  return x;
}

bool has_nul(const std::string& x) {
  return x.find('\0') != std::string::npos;
}

} // namespace

caf::error connect_failure(const std::string& target, const std::exception& e) {
  return make_error(error_code::unavailable,
                    "cannot connect to " + target + ": " + one_line(e.what()));
}

soci_store::soci_store(const soci::backend_factory& backend,
                       const std::string& connect_string, std::string target)
    : sql_(backend, connect_string)
    , target_(std::move(target)) {}

template <class F>
auto soci_store::guarded(const char* what, F body) -> decltype(body()) {
  if (reconnect_needed_) {
    try {
      sql_.reconnect();
      reconnect_needed_ = false;
      reconnected();
    } catch (const std::exception& e) {
      return connect_failure(target_, e);
    }
  }
  try {
    return body();
  } catch (const std::exception& e) {
    // soci::transaction has rolled back on the way out.
    return failure(what, e);
  }
}

namespace {

bool succeeded(const caf::error& x) {
  return !x;
}

template <class T>
bool succeeded(const caf::expected<T>& x) {
  return x.engaged();
}

} // namespace

template <class F>
auto soci_store::guarded_read(const char* what, F body) -> decltype(body()) {
  auto was_connected = !reconnect_needed_;
  auto first = guarded(what, body);
  if (succeeded(first) || !was_connected || !reconnect_needed_) return first;
  return guarded(what, body);
}

caf::error soci_store::probe() {
  return guarded_read("reach the database", [&]() -> caf::error {
    int one = 0;
    sql_ << "SELECT 1", soci::into(one);
    return {};
  });
}

caf::error soci_store::failure(const char* what, const std::exception& e) {
  auto reason = one_line(e.what());
  if (!sql_.is_connected()) {
    // The next call reconnects, so a restarted database heals by itself.
    reconnect_needed_ = true;
    return make_error(error_code::unavailable,
                      "lost the connection to " + target_ +
                          " while trying to " + what + ": " + reason);
  }
  return make_error(code_for(e), std::string{"cannot "} + what + " in " +
                                     target_ + ": " + reason);
}

template <class... Params>
std::vector<chat_message> soci_store::fetch_messages(const std::string& query,
                                                     const Params&... params) {
  chat_message row;
  soci::indicator client_msg_id_state = soci::i_ok;
  // A one-time statement: on PostgreSQL one round trip (PQexecParams),
  // where a prepared one costs three (PREPARE, EXECUTE, DEALLOCATE).
  soci::statement statement{sql_};
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.sender_id));
  statement.exchange(soci::into(row.sender_username));
  statement.exchange(soci::into(row.recipient_id));
  statement.exchange(soci::into(row.content));
  statement.exchange(soci::into(row.client_msg_id, client_msg_id_state));
  statement.exchange(soci::into(row.sent_at_ms));
  (statement.exchange(soci::use(params)), ...);
  statement.alloc();
  statement.prepare(query, soci::details::st_one_time_query);
  statement.define_and_bind();
  statement.execute();
  std::vector<chat_message> result;
  while (statement.fetch()) {
    // A NULL leaves the previous row's value in place.
    if (client_msg_id_state == soci::i_null) row.client_msg_id.clear();
    result.push_back(row);
  }
  return result;
}

caf::error soci_store::migrate(const migration_plan& plan) {
  return guarded("migrate the schema", [&]() -> caf::error {
    apply_migrations(sql_, plan);
    // The last marker of each writer run that ended (store.hpp,
    // commit_marker); no batch waits that long to be written again.
    using namespace std::chrono;
    timestamp_ms cutoff =
        duration_cast<milliseconds>(system_clock::now().time_since_epoch())
            .count() -
        commit_marker_lifetime_ms;
    sql_ << "DELETE FROM committed_batches WHERE committed_at_ms < :cutoff",
        soci::use(cutoff);
    return {};
  });
}

caf::expected<user_record>
soci_store::create_user(const std::string& username,
                        const std::string& password_hash) {
  if (has_nul(username))
    return make_error(error_code::invalid_username,
                      "username must not contain NUL bytes");
  return guarded("create a user", [&]() -> caf::expected<user_record> {
    user_id id = 0;
    // ON CONFLICT answers a taken name without an error, including the race
    // in which another connection registers the same name at this moment.
    sql_ << "INSERT INTO users (username, hashed_password) "
            "VALUES (:username, :hashed_password) "
            "ON CONFLICT (username) DO NOTHING RETURNING id",
        soci::use(username), soci::use(password_hash), soci::into(id);
    if (!sql_.got_data())
      return make_error(error_code::username_taken,
                        "username '" + username + "' is already taken");
    known_users_.insert(id);
    return user_record{id, username, to_string(presence::offline)};
  });
}

caf::expected<std::optional<account>>
soci_store::find_account(const std::string& username) {
  // No such name can have been stored (create_user refuses it).
  if (has_nul(username)) return std::optional<account>{};
  return guarded_read(
      "find an account", [&]() -> caf::expected<std::optional<account>> {
        account result;
        sql_ << "SELECT id, username, hashed_password, status "
                "FROM users WHERE username = :username",
            soci::use(username), soci::into(result.id),
            soci::into(result.username), soci::into(result.password_hash),
            soci::into(result.status);
        if (!sql_.got_data()) return std::optional<account>{};
        return std::optional<account>{std::move(result)};
      });
}

caf::expected<bool> soci_store::user_exists(user_id id) {
  return guarded_read("look a user up", [&]() -> caf::expected<bool> {
    int count = 0;
    sql_ << "SELECT COUNT(*) FROM users WHERE id = :id", soci::use(id),
        soci::into(count);
    return count > 0;
  });
}

caf::error
soci_store::set_presence(const std::vector<presence_change>& changes) {
  auto done = commit(write_batch{{}, {}, changes, {}, {}});
  return done ? caf::error{} : std::move(done.error());
}

caf::expected<std::vector<insert_outcome>>
soci_store::insert_messages(const std::vector<chat_message>& batch) {
  return commit(write_batch{batch, {}, {}, {}, {}});
}

caf::error soci_store::mark_delivered(const std::vector<delivery_mark>& marks) {
  auto done = commit(write_batch{{}, marks, {}, {}, {}});
  return done ? caf::error{} : std::move(done.error());
}

caf::expected<std::vector<insert_outcome>>
soci_store::commit(const write_batch& batch) {
  using result_type = caf::expected<std::vector<insert_outcome>>;
  return guarded("commit a write batch", [&]() -> result_type {
    std::vector<insert_outcome> outcomes(batch.messages.size());
    // Outside the transaction: users are never deleted, so what the check
    // finds holds until commit.
    auto rows = check_rows(batch.messages, outcomes);
    write(batch, rows, outcomes);
    return outcomes;
  });
}

void soci_store::write(const write_batch& batch,
                       const std::vector<std::size_t>& rows,
                       std::vector<insert_outcome>& outcomes) {
  soci::transaction transaction{sql_};
  // One connection writes at a time here (SQLite's write lock), so a
  // marker found now is a commit that ended.
  if (read_committed_batch(batch, rows, outcomes)) return;
  insert_rows(batch.messages, rows, outcomes);
  update_delivered(batch.delivered);
  update_presence(batch.presence);
  update_receipts(batch.receipts);
  record_marker(batch.marker, rows, outcomes);
  transaction.commit();
}

bool soci_store::read_committed_batch(const write_batch& batch,
                                      const std::vector<std::size_t>& rows,
                                      std::vector<insert_outcome>& outcomes) {
  const auto& marker = batch.marker;
  if (marker.batch == 0) return false;
  auto batch_number = static_cast<std::int64_t>(marker.batch);
  std::string ids;
  sql_ << "SELECT ids FROM committed_batches "
          "WHERE writer = :writer AND batch = :batch",
      soci::use(marker.writer), soci::use(batch_number), soci::into(ids);
  if (!sql_.got_data()) return false;
  std::vector<inserted_row> inserted;
  inserted_row row;
  std::string client_msg_id;
  soci::indicator client_msg_id_state = soci::i_ok;
  soci::statement select =
      (sql_.prepare << "SELECT id, sender_id, client_msg_id FROM messages "
                       "WHERE " +
                           in_id_list("id"),
       soci::use(ids, "ids"), soci::into(row.id), soci::into(row.sender),
       soci::into(client_msg_id, client_msg_id_state));
  select.execute();
  while (select.fetch()) {
    row.client_msg_id.reset();
    if (client_msg_id_state != soci::i_null) row.client_msg_id = client_msg_id;
    inserted.push_back(row);
  }
  assign_ids(std::move(inserted), batch.messages, rows, outcomes);
  // The rows left without an id repeated a key, as they did at the time.
  for (auto i : rows) {
    auto& outcome = outcomes[i];
    if (outcome.message.id != 0 || outcome.error) continue;
    outcome.message =
        find_original(outcome.message.sender_id, outcome.message.client_msg_id);
    outcome.duplicate = true;
  }
  return true;
}

void soci_store::record_marker(const commit_marker& marker,
                               const std::vector<std::size_t>& rows,
                               const std::vector<insert_outcome>& outcomes) {
  if (marker.batch == 0) return;
  std::string ids = "[";
  for (auto i : rows) {
    const auto& outcome = outcomes[i];
    if (outcome.duplicate || outcome.message.id == 0) continue;
    ids += (ids.size() > 1 ? "," : "") + std::to_string(outcome.message.id);
  }
  ids += "]";
  auto batch_number = static_cast<std::int64_t>(marker.batch);
  sql_ << "INSERT INTO committed_batches (writer, batch, ids, committed_at_ms) "
          "VALUES (:writer, :batch, :ids, :at)",
      soci::use(marker.writer), soci::use(batch_number), soci::use(ids),
      soci::use(marker.at);
  sql_ << "DELETE FROM committed_batches "
          "WHERE writer = :writer AND batch < :batch",
      soci::use(marker.writer), soci::use(batch_number);
}

void soci_store::update_presence(const std::vector<presence_change>& changes) {
  if (changes.empty()) return;
  std::string status;
  user_id id = 0;
  soci::statement update =
      (sql_.prepare << "UPDATE users SET status = :status WHERE id = :id",
       soci::use(status), soci::use(id));
  for (const auto& change : changes) {
    status = to_string(change.status);
    id = change.user;
    update.execute(true);
  }
}

void soci_store::update_receipts(const std::vector<receipt>& receipts) {
  if (receipts.empty()) return;
  receipt_row row;
  soci::statement upsert =
      (sql_.prepare << upsert_receipt, soci::use(row.owner, "owner"),
       soci::use(row.peer, "peer"), soci::use(row.delivered, "delivered"),
       soci::use(row.read, "read"));
  for (const auto& each : fold_receipts(receipts)) {
    row = each;
    upsert.execute(true);
  }
}

void soci_store::update_delivered(const std::vector<delivery_mark>& marks) {
  if (marks.empty()) return;
  delivery_mark mark;
  soci::statement update =
      (sql_.prepare << "UPDATE device_cursors SET delivered_through = :through "
                       "WHERE user_id = :user AND device = :device "
                       "AND delivered_through >= :base "
                       "AND delivered_through < :above",
       soci::use(mark.through, "through"), soci::use(mark.user, "user"),
       soci::use(mark.device, "device"), soci::use(mark.base, "base"),
       soci::use(mark.through, "above"));
  for (const auto& each : marks) {
    mark = each;
    update.execute(true);
  }
}

std::vector<std::size_t>
soci_store::check_rows(const std::vector<chat_message>& batch,
                       std::vector<insert_outcome>& outcomes) {
  // A user once found stays valid (users are never deleted): only ids not
  // seen before are looked up, which under steady traffic is none. A row
  // naming an unknown user is refused here instead of failing the batch on
  // the foreign key.
  std::vector<std::int64_t> ids;
  for (const auto& message : batch)
    for (auto id : {message.sender_id, message.recipient_id})
      if (known_users_.count(id) == 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for_each_id_list(ids, [&](const std::string& list) {
    user_id id = 0;
    soci::statement select =
        (sql_.prepare << "SELECT id FROM users WHERE " + in_id_list("id"),
         soci::use(list, "ids"), soci::into(id));
    select.execute();
    while (select.fetch())
      known_users_.insert(id);
  });
  std::vector<std::size_t> accepted;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& message = batch[i];
    auto& error = outcomes[i].error;
    outcomes[i].message = message;
    // PostgreSQL cannot store NUL in text and libpq would cut the string
    // there; refusing it on both backends keeps them consistent.
    if (has_nul(message.content))
      error = make_error(error_code::invalid_content,
                         "content must not contain NUL bytes");
    else if (has_nul(message.client_msg_id))
      error = make_error(error_code::invalid_client_msg_id,
                         "client_msg_id must not contain NUL bytes");
    else if (known_users_.count(message.recipient_id) == 0)
      error = make_error(error_code::unknown_recipient,
                         "recipient " + std::to_string(message.recipient_id) +
                             " does not exist");
    else if (known_users_.count(message.sender_id) == 0)
      error = make_error(error_code::internal,
                         "sender " + std::to_string(message.sender_id) +
                             " does not exist");
    else
      accepted.push_back(i);
  }
  return accepted;
}

void soci_store::insert_rows(const std::vector<chat_message>& batch,
                             const std::vector<std::size_t>& rows,
                             std::vector<insert_outcome>& outcomes) {
  if (rows.empty()) return;
  chat_message row;
  soci::indicator client_msg_id_state = soci::i_ok;
  message_id id = 0;
  soci::statement insert =
      (sql_.prepare << insert_message, soci::use(row.sender_id),
       soci::use(row.recipient_id), soci::use(row.content),
       soci::use(row.client_msg_id, client_msg_id_state),
       soci::use(row.sent_at_ms), soci::into(id));
  for (auto i : rows) {
    row = batch[i];
    // Empty means "none" and is stored as NULL, which never conflicts.
    client_msg_id_state = row.client_msg_id.empty() ? soci::i_null : soci::i_ok;
    insert.execute(true);
    auto& outcome = outcomes[i];
    if (insert.got_data()) {
      outcome.message.id = id;
    } else {
      outcome.message = find_original(row.sender_id, row.client_msg_id);
      outcome.duplicate = true;
    }
  }
}

chat_message soci_store::find_original(user_id sender,
                                       const std::string& client_msg_id) {
  auto found = fetch_messages(std::string{select_messages} +
                                  " WHERE m.sender_id = :sender"
                                  " AND m.client_msg_id = :client_msg_id",
                              sender, client_msg_id);
  // The insert conflicted with exactly this row inside our transaction.
  if (found.size() != 1)
    throw std::logic_error("a conflicting message vanished");
  return found.front();
}

caf::expected<std::vector<user_id>> soci_store::users_with_undelivered() {
  using result_type = caf::expected<std::vector<user_id>>;
  return guarded_read("find undelivered recipients", [&]() -> result_type {
    std::vector<user_id> result;
    user_id id = 0;
    // The least advanced device decides, and a user's first device starts
    // at 0: one probe of messages_to_receiver per user.
    soci::statement select =
        (sql_.prepare << "SELECT u.id FROM users u WHERE EXISTS ("
                         "SELECT 1 FROM messages m WHERE m.receiver_id = u.id "
                         "AND m.id > COALESCE((SELECT MIN(c.delivered_through) "
                         "FROM device_cursors c WHERE c.user_id = u.id), 0))",
         soci::into(id));
    select.execute();
    while (select.fetch())
      result.push_back(id);
    return result;
  });
}

caf::expected<std::int64_t> soci_store::undelivered_count(user_id user) {
  using result_type = caf::expected<std::int64_t>;
  return guarded_read("count undelivered messages", [&]() -> result_type {
    long long count = 0;
    auto id = static_cast<long long>(user);
    // The same rule as users_with_undelivered: the least advanced device.
    sql_ << "SELECT COUNT(*) FROM messages m WHERE m.receiver_id = :receiver "
            "AND m.id > COALESCE((SELECT MIN(c.delivered_through) "
            "FROM device_cursors c WHERE c.user_id = :owner), 0)",
        soci::use(id), soci::use(id), soci::into(count);
    return static_cast<std::int64_t>(count);
  });
}

caf::expected<std::vector<receipt>>
soci_store::receipts_for(user_id sender, std::size_t limit) {
  using result_type = caf::expected<std::vector<receipt>>;
  return guarded_read("read receipts", [&]() -> result_type {
    std::vector<receipt> result;
    user_id owner = 0;
    message_id delivered = 0;
    message_id read = 0;
    auto n = sql_limit(limit);
    soci::statement select =
        (sql_.prepare << "SELECT owner_id, delivered_through, read_through "
                         "FROM conversation_cursors WHERE peer_id = :sender "
                         "ORDER BY delivered_through DESC LIMIT :limit",
         soci::use(sender, "sender"), soci::use(n, "limit"), soci::into(owner),
         soci::into(delivered), soci::into(read));
    select.execute();
    while (select.fetch()) {
      if (delivered > 0) result.push_back({owner, sender, delivered, false});
      if (read > 0) result.push_back({owner, sender, read, true});
    }
    return result;
  });
}

caf::expected<std::vector<conversation_summary>>
soci_store::conversations(user_id user, std::optional<message_id> before,
                          std::size_t limit) {
  using result_type = caf::expected<std::vector<conversation_summary>>;
  return guarded_read("read conversations", [&]() -> result_type {
    std::vector<conversation_summary> result;
    conversation_summary row;
    auto bound = before.value_or(std::numeric_limits<message_id>::max());
    auto n = sql_limit(limit);
    soci::statement select =
        (sql_.prepare << select_conversations, soci::use(user, "u1"),
         soci::use(user, "u2"), soci::use(user, "u3"), soci::use(user, "u4"),
         soci::use(user, "u5"), soci::use(bound, "before"),
         soci::use(n, "limit"), soci::into(row.peer.id),
         soci::into(row.peer.username), soci::into(row.peer.status),
         soci::into(row.last.id), soci::into(row.last.sender_id),
         soci::into(row.last.sender_username),
         soci::into(row.last.recipient_id), soci::into(row.last.content),
         soci::into(row.last.sent_at_ms), soci::into(row.read_through),
         soci::into(row.peer_delivered_through),
         soci::into(row.peer_read_through), soci::into(row.unread));
    select.execute();
    while (select.fetch())
      result.push_back(row);
    return result;
  });
}

caf::expected<std::vector<user_id>>
soci_store::conversation_peers(user_id user, std::size_t limit) {
  using result_type = caf::expected<std::vector<user_id>>;
  return guarded_read("read conversation peers", [&]() -> result_type {
    std::vector<user_id> result;
    user_id peer = 0;
    auto n = sql_limit(limit);
    soci::statement select =
        (sql_.prepare << select_conversation_peers, soci::use(user, "u1"),
         soci::use(user, "u2"), soci::use(user, "u3"), soci::use(n, "limit"),
         soci::into(peer));
    select.execute();
    while (select.fetch())
      result.push_back(peer);
    return result;
  });
}

caf::expected<std::vector<user_record>>
soci_store::users_by_prefix(const std::string& prefix, user_id exclude,
                            std::size_t limit) {
  using result_type = caf::expected<std::vector<user_record>>;
  return guarded_read("search users", [&]() -> result_type {
    // Of the username characters only '_' means something to LIKE.
    std::string pattern;
    for (char c : prefix) {
      if (c == '_') pattern += '\\';
      pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    pattern += '%';
    std::vector<user_record> result;
    user_record row;
    auto n = sql_limit(limit);
    soci::statement select =
        (sql_.prepare << "SELECT id, username, status FROM users WHERE " +
                             username_prefix_match() +
                             " AND id <> :exclude ORDER BY username "
                             "LIMIT :limit",
         soci::use(pattern, "pattern"), soci::use(exclude, "exclude"),
         soci::use(n, "limit"), soci::into(row.id), soci::into(row.username),
         soci::into(row.status));
    select.execute();
    while (select.fetch())
      result.push_back(row);
    return result;
  });
}

caf::expected<message_id> soci_store::open_device(user_id user,
                                                  const std::string& device) {
  if (has_nul(device))
    return make_error(error_code::invalid_request,
                      "device must not contain NUL bytes");
  return guarded_read(
      "open a device cursor", [&]() -> caf::expected<message_id> {
        // Both statements are idempotent, so no transaction: a concurrent first
        // connection of the same device inserts the same row or finds it.
        sql_ << "INSERT INTO device_cursors (user_id, device, "
                "delivered_through) "
                "SELECT :u1, :device, COALESCE((SELECT MIN(delivered_through) "
                "FROM device_cursors WHERE user_id = :u2), 0) "
                "WHERE EXISTS (SELECT 1 FROM users WHERE id = :u3) "
                "ON CONFLICT (user_id, device) DO NOTHING",
            soci::use(user, "u1"), soci::use(device, "device"),
            soci::use(user, "u2"), soci::use(user, "u3");
        message_id through = 0;
        sql_ << "SELECT delivered_through FROM device_cursors "
                "WHERE user_id = :user AND device = :device",
            soci::use(user, "user"), soci::use(device, "device"),
            soci::into(through);
        if (!sql_.got_data())
          return make_error(error_code::not_found,
                            "user " + std::to_string(user) + " does not exist");
        return through;
      });
}

caf::expected<std::vector<chat_message>>
soci_store::messages_to(user_id recipient, message_id after,
                        std::size_t limit) {
  using result_type = caf::expected<std::vector<chat_message>>;
  return guarded_read("read undelivered messages", [&]() -> result_type {
    return fetch_messages(std::string{select_messages} + messages_to_receiver,
                          recipient, after, sql_limit(limit));
  });
}

caf::expected<message_id> soci_store::last_message_of(user_id user) {
  return guarded_read(
      "read where a user's messages stand", [&]() -> caf::expected<message_id> {
        long long newest = 0;
        soci::indicator found = soci::i_null;
        sql_ << "SELECT max(m) FROM ("
                "SELECT max(id) AS m FROM messages "
                "WHERE sender_id = :u1 UNION ALL "
                "SELECT max(id) FROM messages "
                "WHERE receiver_id = :u2) AS t",
            soci::use(user), soci::use(user), soci::into(newest, found);
        return found == soci::i_ok ? newest : 0;
      });
}

caf::expected<std::vector<chat_message>>
soci_store::messages_after(user_id user, message_id after, std::size_t limit) {
  static const auto query = two_sided_page(
      "sender_id = :u1 AND id > :a1", "receiver_id = :u2 AND id > :a2", "ASC");
  using result_type = caf::expected<std::vector<chat_message>>;
  return guarded_read("read messages after a cursor", [&]() -> result_type {
    auto n = sql_limit(limit);
    return fetch_messages(query, user, after, n, user, after, n, n);
  });
}

caf::expected<std::vector<chat_message>>
soci_store::conversation(user_id a, user_id b, std::optional<message_id> before,
                         std::size_t limit) {
  static const auto query = two_sided_page(
      "sender_id = :s1 AND receiver_id = :r1 AND id < :b1",
      "sender_id = :s2 AND receiver_id = :r2 AND id < :b2", "DESC");
  using result_type = caf::expected<std::vector<chat_message>>;
  return guarded_read("read a conversation", [&]() -> result_type {
    auto bound = before.value_or(std::numeric_limits<message_id>::max());
    auto n = sql_limit(limit);
    return fetch_messages(query, a, b, bound, n, b, a, bound, n, n);
  });
}

} // namespace parley::persistence
