// Reading a running node's tables directly through SOCI. The node writes
// concurrently: SQLite runs in WAL mode, so reads see the last commit and
// wait (busy timeout) only while a checkpoint holds the lock.
#include "tests/integration/db_rows.hpp"

#include <stdexcept>
#include <thread>
#include <variant>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "persistence/database_url.hpp"

namespace parley::testing {

namespace {

/// As long as the node's own busy timeout: a test read never fails where
/// the node's writes would still wait.
constexpr int busy_timeout_ms = 5000;

constexpr const char* message_columns =
    "SELECT id, sender_id, receiver_id, content, sent_at_ms, client_msg_id "
    "FROM messages ";

std::unique_ptr<soci::session> connect(const std::string& url) {
  auto location = persistence::parse_database_url(url);
  if (!location) throw std::runtime_error("db_rows: bad database URL " + url);
  if (auto* file = std::get_if<persistence::sqlite_location>(&*location)) {
    auto sql = std::make_unique<soci::session>(soci::sqlite3,
                                               "db=\"" + file->path + "\"");
    *sql << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms);
    return sql;
  }
  auto& server = std::get<persistence::postgresql_location>(*location);
  return std::make_unique<soci::session>(soci::postgresql, server.conninfo);
}

/// Fetches every row `query` selects (in message_columns order).
std::vector<message_row> fetch(soci::session& sql, const std::string& query,
                               std::int64_t parameter) {
  message_row row;
  long long id = 0, sender = 0, receiver = 0, sent_at = 0;
  std::string client_msg_id;
  soci::indicator client_msg_id_indicator = soci::i_ok;
  long long bound = parameter;
  soci::statement statement =
      (sql.prepare << query, soci::into(id), soci::into(sender),
       soci::into(receiver), soci::into(row.content), soci::into(sent_at),
       soci::into(client_msg_id, client_msg_id_indicator), soci::use(bound));
  statement.execute();
  std::vector<message_row> rows;
  while (statement.fetch()) {
    row.id = id;
    row.sender_id = sender;
    row.receiver_id = receiver;
    row.sent_at_ms = sent_at;
    row.client_msg_id = client_msg_id_indicator == soci::i_ok
                            ? std::optional<std::string>{client_msg_id}
                            : std::nullopt;
    rows.push_back(row);
  }
  return rows;
}

} // namespace

struct db_rows::state {
  std::unique_ptr<soci::session> sql;
};

db_rows::db_rows(const std::string& url)
    : self_(std::make_unique<state>()) {
  try {
    self_->sql = connect(url);
  } catch (const soci::soci_error& e) {
    throw std::runtime_error(std::string{"db_rows: "} + e.what());
  }
}

db_rows::~db_rows() = default;

std::vector<message_row> db_rows::messages() {
  // The parameter keeps one fetch path for both queries; every id is >= 0.
  return fetch(*self_->sql,
               std::string{message_columns} + "WHERE id > :id ORDER BY id", -1);
}

std::optional<message_row> db_rows::message(std::int64_t id) {
  auto rows =
      fetch(*self_->sql, std::string{message_columns} + "WHERE id = :id", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::string db_rows::user_status(std::int64_t user) {
  std::string status;
  long long id = user;
  *self_->sql << "SELECT status FROM users WHERE id = :id", soci::into(status),
      soci::use(id);
  if (!self_->sql->got_data())
    throw std::runtime_error("db_rows: no user " + std::to_string(user));
  return status;
}

std::vector<std::string> db_rows::presence_nodes(std::int64_t user) {
  std::vector<std::string> nodes(64);
  long long id = user;
  *self_->sql << "SELECT node FROM user_presence WHERE user_id = :id "
                 "ORDER BY node",
      soci::into(nodes), soci::use(id);
  return nodes;
}

std::optional<std::int64_t>
db_rows::delivered_through(std::int64_t user, const std::string& device) {
  long long through = 0;
  long long id = user;
  *self_->sql << "SELECT delivered_through FROM device_cursors "
                 "WHERE user_id = :id AND device = :device",
      soci::into(through), soci::use(id), soci::use(device);
  if (!self_->sql->got_data()) return std::nullopt;
  return through;
}

bool db_rows::await_delivered_through(std::int64_t user, std::int64_t id,
                                      std::chrono::milliseconds timeout,
                                      const std::string& device) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (delivered_through(user, device).value_or(0) >= id) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    // Polling a table: a short pause keeps it from hogging the database.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace parley::testing
