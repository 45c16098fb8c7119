// The PostgreSQL backend: connection set-up and which errors are transient.
#include "persistence/postgresql/postgresql_store.hpp"

#include <algorithm>
#include <map>
#include <string>

#include <soci/postgresql/soci-postgresql.h>

#include "persistence/migrations/postgresql_migrations.hpp"
#include "persistence/postgresql/batch_insert.hpp"

namespace parley::persistence {

postgresql_store::postgresql_store(const postgresql_location& where)
    : soci_store(soci::postgresql, where.conninfo, where.display) {}

void postgresql_store::insert_rows(const std::vector<chat_message>& batch,
                                   const std::vector<std::size_t>& rows,
                                   std::vector<insert_outcome>& outcomes) {
  if (rows.size() < 2) {
    soci_store::insert_rows(batch, rows, outcomes); // nothing to share
    return;
  }
  insert_batch(session(), batch, rows, outcomes);
  // Rows left at id 0 repeat a stored (sender, client_msg_id): answer them
  // with the original, which may be a row of this very batch.
  for (auto row : rows) {
    auto& outcome = outcomes[row];
    if (outcome.message.id == 0) {
      outcome.message = find_original(outcome.message.sender_id,
                                      outcome.message.client_msg_id);
      outcome.duplicate = true;
    }
  }
}

void postgresql_store::update_delivered(
    const std::vector<delivery_mark>& marks) {
  if (marks.empty()) return;
  // One statement instead of a round trip per mark. A user marked twice
  // would be updated only once by a joined UPDATE, so keep the highest.
  std::map<user_id, message_id> highest;
  for (const auto& mark : marks) {
    auto& through = highest[mark.user];
    through = std::max(through, mark.through);
  }
  std::string users = "{";
  std::string throughs = "{";
  for (const auto& [user, through] : highest) {
    if (users.size() > 1) {
      users += ',';
      throughs += ',';
    }
    users += std::to_string(user);
    throughs += std::to_string(through);
  }
  users += '}';
  throughs += '}';
  session() << "UPDATE users SET delivered_through = x.through FROM unnest("
               "CAST(:users AS BIGINT[]), CAST(:throughs AS BIGINT[])) "
               "AS x(id, through) "
               "WHERE users.id = x.id AND users.delivered_through < x.through",
      soci::use(users, "users"), soci::use(throughs, "throughs");
}

std::string postgresql_store::in_id_list(const std::string& column) const {
  return column + " IN (SELECT CAST(value AS BIGINT) FROM "
                  "json_array_elements_text(CAST(:ids AS JSON)))";
}

error_code postgresql_store::code_for(const std::exception& e) const {
  auto error = dynamic_cast<const soci::postgresql_soci_error*>(&e);
  if (error == nullptr) return error_code::internal;
  // SQLSTATE classes that pass with time: 08 connection exception, 53
  // insufficient resources (too many connections), 57P shutdown or startup,
  // 40001/40P01 serialization failure and deadlock.
  auto state = error->sqlstate();
  auto transient =
      state.compare(0, 2, "08") == 0 || state.compare(0, 2, "53") == 0 ||
      state.compare(0, 3, "57P") == 0 || state == "40001" || state == "40P01";
  return transient ? error_code::unavailable : error_code::internal;
}

caf::expected<std::unique_ptr<store>>
open_postgresql_store(const postgresql_location& where) {
  return open_soci_store<postgresql_store>(where.display,
                                           postgresql_migrations(), where);
}

} // namespace parley::persistence
