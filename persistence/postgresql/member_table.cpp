// The members table over plain libpq: a handful of small statements with
// bound parameters, none of them on the message path.
#include "persistence/postgresql/member_table.hpp"

#include <cstdlib>
#include <variant>

#include "persistence/database_url.hpp"
#include "proto/error_code.hpp"

namespace parley::persistence {

namespace {

/// Taken by every membership change, so that two nodes starting with one
/// name cannot both pass the check.
constexpr const char* membership_lock =
    "SELECT pg_advisory_xact_lock(7031947220)";

/// The writers' commit lock (batch_commit.cpp): removing a node's presence
/// rows must not interleave with a commit that changes presence.
constexpr const char* commit_lock = "SELECT pg_advisory_xact_lock(7031947219)";

/// A node's presence rows go; users it held go offline unless another node
/// holds them (parts of one statement do not see each other's changes,
/// hence "another node").
constexpr const char* clear_presence =
    "WITH gone AS (DELETE FROM user_presence WHERE node = $1 "
    "RETURNING user_id) UPDATE users SET status = 'offline' "
    "WHERE id IN (SELECT user_id FROM gone) AND NOT EXISTS ("
    "SELECT 1 FROM user_presence p WHERE p.user_id = users.id "
    "AND p.node <> $1)";

using result_pointer = std::unique_ptr<PGresult, decltype(&PQclear)>;

/// A statement with text parameters; the result, or nullptr after a
/// failure (the caller reads PQerrorMessage).
result_pointer run(PGconn* connection, const char* sql,
                   std::vector<std::string> params = {}) {
  std::vector<const char*> values;
  for (const auto& param : params)
    values.push_back(param.c_str());
  result_pointer result{PQexecParams(connection, sql,
                                     static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0),
                        &PQclear};
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return {nullptr, &PQclear};
  return result;
}

std::int64_t integer_at(const PGresult* result, int row, int column) {
  return std::strtoll(PQgetvalue(result, row, column), nullptr, 10);
}

/// One line of libpq's message.
std::string reason(PGconn* connection) {
  std::string text = PQerrorMessage(connection);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  for (auto& c : text)
    if (c == '\n') c = ' ';
  return text;
}

} // namespace

caf::expected<std::unique_ptr<member_table>>
member_table::open(const std::string& url) {
  auto where = parse_database_url(url);
  if (!where) return std::move(where.error());
  auto* location = std::get_if<postgresql_location>(&*where);
  if (location == nullptr)
    return make_error(error_code::invalid_request,
                      "cluster membership needs PostgreSQL");
  auto* connection = PQconnectdb(location->conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    auto why = reason(connection);
    PQfinish(connection);
    return make_error(error_code::unavailable,
                      "cannot connect to " + location->display + ": " + why);
  }
  return std::unique_ptr<member_table>{
      new member_table(connection, location->display)};
}

member_table::member_table(PGconn* connection, std::string display)
    : connection_(connection)
    , display_(std::move(display)) {}

member_table::~member_table() {
  PQfinish(connection_);
}

caf::error member_table::ensure_connected() {
  if (PQstatus(connection_) == CONNECTION_OK) return {};
  PQreset(connection_);
  if (PQstatus(connection_) == CONNECTION_OK) return {};
  return make_error(error_code::unavailable,
                    "cannot reach " + display_ + ": " + reason(connection_));
}

caf::expected<std::int64_t> member_table::join(const std::string& name,
                                               const std::string& host,
                                               std::uint16_t port,
                                               std::int64_t stale_after_ms) {
  if (auto err = ensure_connected()) return err;
  auto failed = [&](const char* what) {
    auto why = reason(connection_);
    run(connection_, "ROLLBACK");
    return make_error(error_code::unavailable,
                      std::string{"cannot "} + what + ": " + why);
  };
  if (!run(connection_, "BEGIN") || !run(connection_, membership_lock))
    return failed("register the node");
  auto existing = run(connection_,
                      "SELECT incarnation, CAST(EXTRACT(EPOCH FROM now() - "
                      "heartbeat_at) * 1000 AS BIGINT) FROM cluster_members "
                      "WHERE name = $1",
                      {name});
  if (!existing) return failed("read the members table");
  if (PQntuples(existing.get()) == 1) {
    auto age = integer_at(existing.get(), 0, 1);
    if (age < stale_after_ms) {
      run(connection_, "ROLLBACK");
      return make_error(error_code::invalid_request,
                        "node name " + name +
                            " is in use by a live node (heartbeat " +
                            std::to_string(age) +
                            " ms ago); give each node its own --node-name");
    }
  }
  // A stale row of this name is an earlier start that died: its presence
  // rows go first (under the commit lock, like every presence change).
  if (!run(connection_, commit_lock) ||
      !run(connection_, clear_presence, {name}))
    return failed("clear an earlier start's presence");
  auto joined = run(connection_,
                    // Incarnations grow with every start of a name, also
                    // after its row was removed: the start time in ms, or
                    // one more than the last.
                    "INSERT INTO cluster_members (name, incarnation, host, "
                    "port) VALUES ($1, CAST(EXTRACT(EPOCH FROM "
                    "clock_timestamp()) * 1000 AS BIGINT), $2, $3) "
                    "ON CONFLICT (name) DO UPDATE SET incarnation = GREATEST("
                    "cluster_members.incarnation + 1, EXCLUDED.incarnation), "
                    "host = EXCLUDED.host, port = EXCLUDED.port, "
                    "started_at = now(), heartbeat_at = now() "
                    "RETURNING incarnation",
                    {name, host, std::to_string(port)});
  if (!joined) return failed("register the node");
  auto incarnation = integer_at(joined.get(), 0, 0);
  if (!run(connection_, "COMMIT")) return failed("register the node");
  return incarnation;
}

caf::expected<bool> member_table::heartbeat(const std::string& name,
                                            std::int64_t incarnation) {
  if (auto err = ensure_connected()) return err;
  auto result = run(connection_,
                    "UPDATE cluster_members SET heartbeat_at = now() "
                    "WHERE name = $1 AND incarnation = $2",
                    {name, std::to_string(incarnation)});
  if (!result)
    return make_error(error_code::unavailable,
                      "cannot send a heartbeat: " + reason(connection_));
  return std::string{PQcmdTuples(result.get())} == "1";
}

caf::expected<std::vector<cluster_member>> member_table::members() {
  if (auto err = ensure_connected()) return err;
  auto result =
      run(connection_, "SELECT name, incarnation, host, port, CAST(EXTRACT("
                       "EPOCH FROM now() - heartbeat_at) * 1000 AS BIGINT) "
                       "FROM cluster_members ORDER BY name");
  if (!result)
    return make_error(error_code::unavailable,
                      "cannot read the members table: " + reason(connection_));
  std::vector<cluster_member> members;
  for (int i = 0; i < PQntuples(result.get()); ++i) {
    cluster_member member;
    member.name = PQgetvalue(result.get(), i, 0);
    member.incarnation = integer_at(result.get(), i, 1);
    member.host = PQgetvalue(result.get(), i, 2);
    member.port = static_cast<std::uint16_t>(integer_at(result.get(), i, 3));
    member.heartbeat_age_ms = integer_at(result.get(), i, 4);
    members.push_back(std::move(member));
  }
  return members;
}

caf::error member_table::remove(const std::string& name,
                                std::int64_t incarnation) {
  if (auto err = ensure_connected()) return err;
  auto failed = [&] {
    auto why = reason(connection_);
    run(connection_, "ROLLBACK");
    return make_error(error_code::unavailable,
                      "cannot remove node " + name + ": " + why);
  };
  if (!run(connection_, "BEGIN") || !run(connection_, membership_lock) ||
      !run(connection_, commit_lock))
    return failed();
  auto removed = run(connection_,
                     "DELETE FROM cluster_members WHERE name = $1 AND "
                     "incarnation = $2",
                     {name, std::to_string(incarnation)});
  if (!removed) return failed();
  // Registered again meanwhile: the presence rows are the new start's.
  if (std::string{PQcmdTuples(removed.get())} == "1" &&
      !run(connection_, clear_presence, {name}))
    return failed();
  if (!run(connection_, "COMMIT")) return failed();
  return {};
}

} // namespace parley::persistence
