// The store operations both SOCI backends share: the SQL is portable between
// SQLite 3.40 and PostgreSQL 15, so backends add only how to connect, which
// errors are transient, and, where round trips cost (PostgreSQL), a write
// batch and a claim in one statement each.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <soci/soci.h>

#include "persistence/migrations/migration.hpp"
#include "persistence/store.hpp"
#include "proto/error_code.hpp"

namespace parley::persistence {

/// A store over one SOCI session. Not thread-safe, like every store.
class soci_store : public store {
public:
  /// The store operations, as store.hpp documents them.
  caf::error probe() override;
  caf::expected<user_record>
  create_user(const std::string& username,
              const std::string& password_hash) override;
  caf::expected<std::optional<account>>
  find_account(const std::string& username) override;
  caf::expected<bool> user_exists(user_id id) override;
  caf::error set_presence(const std::vector<presence_change>& changes) override;
  caf::expected<std::vector<insert_outcome>>
  insert_messages(const std::vector<chat_message>& batch) override;
  caf::expected<std::vector<insert_outcome>>
  commit(const write_batch& batch) override;
  caf::error mark_delivered(const std::vector<delivery_mark>& marks) override;
  caf::expected<message_id> open_device(user_id user,
                                        const std::string& device) override;
  caf::expected<std::vector<chat_message>>
  messages_to(user_id recipient, message_id after, std::size_t limit) override;
  caf::expected<std::vector<user_id>> users_with_undelivered() override;
  caf::expected<std::int64_t> undelivered_count(user_id user) override;
  caf::expected<std::vector<receipt>> receipts_for(user_id sender,
                                                   std::size_t limit) override;
  caf::expected<std::vector<conversation_summary>>
  conversations(user_id user, std::optional<message_id> before,
                std::size_t limit) override;
  caf::expected<message_id> last_message_of(user_id user) override;
  caf::expected<std::vector<user_id>>
  conversation_peers(user_id user, std::size_t limit) override;
  caf::expected<std::vector<user_record>>
  users_by_prefix(const std::string& prefix, user_id exclude,
                  std::size_t limit) override;
  caf::expected<std::vector<chat_message>>
  messages_after(user_id user, message_id after, std::size_t limit) override;
  caf::expected<std::vector<chat_message>>
  conversation(user_id a, user_id b, std::optional<message_id> before,
               std::size_t limit) override;

  /// Brings the schema up to date; called once by open_soci_store.
  caf::error migrate(const migration_plan& plan);

protected:
  /// Connects; throws when that fails. `target` names the database in
  /// messages (host:port/dbname or sqlite:PATH) and never holds a password.
  soci_store(const soci::backend_factory& backend,
             const std::string& connect_string, std::string target);

  /// The connection, for backend set-up and insert paths.
  soci::session& session() { return sql_; }

  /// Writes a checked batch: `rows` are the indexes of the messages that
  /// passed the checks, to be stored in order; fills their outcomes. This
  /// default runs one transaction with a prepared statement per row, mark
  /// and presence change, which costs nothing extra in-process (SQLite); a
  /// backend with network round trips overrides it.
  virtual void write(const write_batch& batch,
                     const std::vector<std::size_t>& rows,
                     std::vector<insert_outcome>& outcomes);

  /// The stored row a duplicate (sender, client_msg_id) refers to.
  chat_message find_original(user_id sender, const std::string& client_msg_id);

  /// A condition "column IN <set>" where the set is the JSON array of
  /// integers bound to `:ids`, so id lists travel as bound parameters.
  virtual std::string in_id_list(const std::string& column) const = 0;

  /// A condition that `username` begins with the LIKE pattern bound to
  /// `:pattern` (escaped with '\\', lower case), in a form the backend can
  /// answer from an index.
  virtual std::string username_prefix_match() const = 0;

  /// unavailable for errors that waiting may heal (busy, shutting down),
  /// internal for the rest. Connection loss is detected before this.
  virtual error_code code_for(const std::exception& e) const = 0;

  /// The error for a failed call (`what` says what was being done); notes
  /// a lost connection so that the next call reconnects.
  caf::error failure(const char* what, const std::exception& e);

private:
  template <class F>
  auto guarded(const char* what, F body) -> decltype(body());

  /// guarded, for reads: when a connection believed good turns out lost,
  /// reconnect and read once more, so that the first request after the
  /// database came back succeeds. Writes are not repeated this way: their
  /// outcome may be unknown (the writer resolves that by commit marker).
  template <class F>
  auto guarded_read(const char* what, F body) -> decltype(body());

  /// The parts of a write batch, inside an open transaction.
  void insert_rows(const std::vector<chat_message>& batch,
                   const std::vector<std::size_t>& rows,
                   std::vector<insert_outcome>& outcomes);
  void update_delivered(const std::vector<delivery_mark>& marks);
  void update_presence(const std::vector<presence_change>& changes);
  void update_receipts(const std::vector<receipt>& receipts);

  /// When an earlier attempt committed the batch's marker (store.hpp,
  /// commit_marker): fills the outcomes with the rows it stored and
  /// answers true.
  bool read_committed_batch(const write_batch& batch,
                            const std::vector<std::size_t>& rows,
                            std::vector<insert_outcome>& outcomes);
  /// Stores the marker with the ids the batch inserted, and forgets the
  /// writer's older ones.
  void record_marker(const commit_marker& marker,
                     const std::vector<std::size_t>& rows,
                     const std::vector<insert_outcome>& outcomes);

  std::vector<std::size_t> check_rows(const std::vector<chat_message>& batch,
                                      std::vector<insert_outcome>& outcomes);

  template <class... Params>
  std::vector<chat_message> fetch_messages(const std::string& query,
                                           const Params&... params);

  soci::session sql_;
  std::string target_;
  bool reconnect_needed_ = false;
  /// Users seen to exist; never stale, since users are never deleted.
  std::unordered_set<user_id> known_users_;
};

/// The unavailable error for a failed connection attempt to `target`.
caf::error connect_failure(const std::string& target, const std::exception& e);

/// Constructs a `Store` (connecting) and migrates it; connection failures
/// become unavailable errors that name `target`.
template <class Store, class... Args>
caf::expected<std::unique_ptr<store>>
open_soci_store(const std::string& target, const migration_plan& plan,
                Args&&... args) {
  std::unique_ptr<soci_store> result;
  try {
    result = std::make_unique<Store>(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    return connect_failure(target, e);
  }
  if (auto err = result->migrate(plan)) return err;
  return std::unique_ptr<store>{std::move(result)};
}

} // namespace parley::persistence
