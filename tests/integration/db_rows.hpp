// Reading a running node's tables directly through SOCI, so that tests can
// check what was committed without going through the node itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parley::testing {

/// One row of the `messages` table.
struct message_row {
  std::int64_t id = 0;
  std::int64_t sender_id = 0;
  std::int64_t receiver_id = 0;
  std::string content;
  std::int64_t sent_at_ms = 0;
  std::optional<std::string> client_msg_id; ///< NULL when none was sent
};

/// A connection of its own to the database a node was started with.
class db_rows {
public:
  /// Connects as the store does: `sqlite:PATH` or a PostgreSQL URL. Throws
  /// std::runtime_error when the URL is bad or the database unreachable.
  explicit db_rows(const std::string& url);

  ~db_rows();
  db_rows(const db_rows&) = delete;
  db_rows& operator=(const db_rows&) = delete;

  /// Every row of `messages`, by increasing id.
  std::vector<message_row> messages();

  /// The row with `id`, nullopt when there is none.
  std::optional<message_row> message(std::int64_t id);

  /// The `users.status` of `user` ("online"/"offline"); throws
  /// std::runtime_error when the user does not exist.
  std::string user_status(std::int64_t user);

  /// Cluster mode: the nodes holding a connection of `user`, by name
  /// (table user_presence, PostgreSQL only).
  std::vector<std::string> presence_nodes(std::int64_t user);

  /// The delivery cursor of a user's device, nullopt when the device was
  /// never seen ("" is the default device).
  std::optional<std::int64_t> delivered_through(std::int64_t user,
                                                const std::string& device = {});

  /// Waits until that cursor reaches at least `id` (confirmations travel
  /// connection → session → user → writer, then wait for a commit); false
  /// when `timeout` passes first.
  bool await_delivered_through(std::int64_t user, std::int64_t id,
                               std::chrono::milliseconds timeout,
                               const std::string& device = {});

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::testing
