// One statement per batch: SOCI's vector binding still executes once per
// row on PostgreSQL, and a round trip per row costs more than the commit it
// is meant to share (TOOLCHAIN.md). The rows travel as five array
// parameters, unnested WITH ORDINALITY so that ids are drawn in row order.
#include "persistence/postgresql/batch_insert.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace parley::persistence {

namespace {

constexpr const char* insert_unnested =
    "INSERT INTO messages "
    "(sender_id, receiver_id, content, client_msg_id, sent_at_ms) "
    "SELECT s, r, c, k, t FROM unnest("
    "CAST(:senders AS BIGINT[]), CAST(:receivers AS BIGINT[]), "
    "CAST(:contents AS TEXT[]), CAST(:keys AS TEXT[]), "
    "CAST(:times AS BIGINT[])) WITH ORDINALITY AS x(s, r, c, k, t, n) "
    "ORDER BY n ON CONFLICT DO NOTHING "
    "RETURNING id, sender_id, client_msg_id";

/// Appends a text element of a PostgreSQL array literal: quoted, with
/// backslash and quote escaped. NUL never gets here (refused earlier).
void append_text(std::string& literal, const std::string& text) {
  literal += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') literal += '\\';
    literal += c;
  }
  literal += '"';
}

/// The five array literals of a batch.
struct array_literals {
  std::string senders = "{";
  std::string receivers = "{";
  std::string contents = "{";
  std::string keys = "{";
  std::string times = "{";

  void add(const chat_message& msg, bool first) {
    if (!first) {
      for (auto* x : {&senders, &receivers, &contents, &keys, &times})
        *x += ',';
    }
    senders += std::to_string(msg.sender_id);
    receivers += std::to_string(msg.recipient_id);
    append_text(contents, msg.content);
    if (msg.client_msg_id.empty())
      keys += "NULL"; // NULL never conflicts
    else
      append_text(keys, msg.client_msg_id);
    times += std::to_string(msg.sent_at_ms);
  }

  void close() {
    for (auto* x : {&senders, &receivers, &contents, &keys, &times})
      *x += '}';
  }
};

} // namespace

void insert_batch(soci::session& sql, const std::vector<chat_message>& batch,
                  const std::vector<std::size_t>& rows,
                  std::vector<insert_outcome>& outcomes) {
  array_literals arrays;
  for (std::size_t i = 0; i < rows.size(); ++i)
    arrays.add(batch[rows[i]], i == 0);
  arrays.close();
  message_id id = 0;
  user_id sender = 0;
  std::string key;
  soci::indicator key_state = soci::i_ok;
  soci::statement insert =
      (sql.prepare << insert_unnested, soci::use(arrays.senders, "senders"),
       soci::use(arrays.receivers, "receivers"),
       soci::use(arrays.contents, "contents"), soci::use(arrays.keys, "keys"),
       soci::use(arrays.times, "times"), soci::into(id), soci::into(sender),
       soci::into(key, key_state));
  insert.execute();
  // Rows with a client_msg_id are matched by key; the others by order,
  // since their ids were drawn in row order.
  std::map<std::pair<user_id, std::string>, message_id> keyed;
  std::vector<message_id> unkeyed;
  while (insert.fetch()) {
    if (key_state == soci::i_null)
      unkeyed.push_back(id);
    else
      keyed.emplace(std::make_pair(sender, key), id);
  }
  std::sort(unkeyed.begin(), unkeyed.end());
  std::size_t next_unkeyed = 0;
  for (auto row : rows) {
    const auto& msg = batch[row];
    auto& outcome = outcomes[row];
    if (msg.client_msg_id.empty()) {
      if (next_unkeyed == unkeyed.size())
        throw std::logic_error("batch insert returned too few rows");
      outcome.message.id = unkeyed[next_unkeyed++];
      continue;
    }
    // The first row with a key owns the inserted id; a second row with the
    // same key in this batch, or a key stored before, stays at id 0.
    auto i = keyed.find(std::make_pair(msg.sender_id, msg.client_msg_id));
    if (i != keyed.end()) {
      outcome.message.id = i->second;
      keyed.erase(i);
    }
  }
  if (next_unkeyed != unkeyed.size() || !keyed.empty())
    throw std::logic_error("batch insert returned rows it was not given");
}

} // namespace parley::persistence
