// The storage interface: users, messages and deliveries, over any backend.
//
// A store is one database connection. It is not thread-safe: each store is
// owned by exactly one detached actor (the writer or the reader), and every
// call blocks on the database. Errors come back as caf::error made from
// parley::error_code (unavailable when the database cannot be reached,
// username_taken, unknown_recipient, invalid_content, internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "proto/domain.hpp"

namespace parley::persistence {

/// The outcome of storing one message of a batch.
struct insert_outcome {
  caf::error error;       ///< set when this row was rejected; others unaffected
  chat_message message;   ///< the stored row (the original one if duplicate)
  bool duplicate = false; ///< (sender, client_msg_id) was already stored
};

/// The device every connection that names none belongs to.
inline const std::string default_device{};

/// A step of one device's delivery cursor: every message to `user` with an
/// id up to `through` has reached the device. It applies only where the
/// stored cursor is at least `base` (and below `through`): a connection's
/// stream of messages began at `base`, so it proves nothing about what
/// came before. Acks of a named device are its own word and use base 0.
struct delivery_mark {
  user_id user = 0;
  std::string device; ///< default_device or the client's ?device= name
  message_id base = 0;
  message_id through = 0;
};

/// A user's presence change, applied in batches.
struct presence_change {
  user_id user = 0;
  presence status = presence::offline;
};

/// The writer's name for one commit, stored in the same transaction
/// (table committed_batches) with the ids of the rows it inserted. A commit
/// whose answer was lost (the connection broke after the server may have
/// committed) is made again under the same marker: if the first attempt
/// was committed, the marker is there and the store answers with the rows
/// that attempt stored instead of storing them twice. The marker's unique
/// key also settles a first attempt still running on the server: whichever
/// commits second fails. batch 0: no marker (marks, presence and receipts
/// alone are safe to apply twice).
struct commit_marker {
  std::string writer; ///< unique to one run of one writer
  std::uint64_t batch = 0;
  timestamp_ms at = 0; ///< old markers are forgotten after a while
};

/// Everything the writer commits at once: new messages, delivery marks and
/// presence changes share one transaction, so a quiet node pays one commit
/// (one fsync) per message, not three.
struct write_batch {
  std::vector<chat_message> messages;
  std::vector<delivery_mark> delivered;
  std::vector<presence_change> presence;
  /// Receipts raise a conversation's cursors (never lower them); a read
  /// receipt counts as delivered too. At most one per (reader, sender, kind).
  std::vector<receipt> receipts;
  commit_marker marker;
};

/// A conversation's cursors as one receipt row: `owner` has received
/// (`delivered`) and read (`read`) what `peer` sent, up to those ids.
struct receipt_row {
  user_id owner = 0;
  user_id peer = 0;
  message_id delivered = 0;
  message_id read = 0;
};

/// Receipts folded into one row per conversation and direction; a read
/// receipt counts as delivered too.
std::vector<receipt_row> fold_receipts(const std::vector<receipt>& receipts);

/// One database connection with the operations Parley needs.
class store {
public:
  virtual ~store() = default;

  /// Reconnects when the connection was lost and checks that the database
  /// answers; none when it does (the writer's outage loop calls this).
  virtual caf::error probe() = 0;

  /// Creates an account; error username_taken if the name exists.
  virtual caf::expected<user_record>
  create_user(const std::string& username,
              const std::string& password_hash) = 0;

  /// Looks an account up by exact username; nullopt when unknown.
  virtual caf::expected<std::optional<account>>
  find_account(const std::string& username) = 0;

  /// Whether a user with this id exists.
  virtual caf::expected<bool> user_exists(user_id id) = 0;

  /// Applies presence changes in order, in one transaction.
  virtual caf::error
  set_presence(const std::vector<presence_change>& changes) = 0;

  /// Stores messages in one transaction, in order, so that ids ascend in
  /// the order given. `sent_at_ms`, `sender_username` are taken as given;
  /// `id` is ignored. A message whose (sender_id, client_msg_id) is already
  /// stored (also earlier in the same batch) is not stored again: its
  /// outcome is the original with duplicate = true. Returns one outcome per
  /// input, or an error when the transaction as a whole failed (then
  /// nothing of the batch is stored and the caller may retry row by row).
  virtual caf::expected<std::vector<insert_outcome>>
  insert_messages(const std::vector<chat_message>& batch) = 0;

  /// Applies a write batch in one transaction, with the semantics of
  /// insert_messages, mark_delivered and set_presence; one outcome per
  /// message, or an error when the transaction as a whole failed. A batch
  /// whose marker was committed before is not written again: its outcomes
  /// are the rows that commit stored (see commit_marker).
  virtual caf::expected<std::vector<insert_outcome>>
  commit(const write_batch& batch) = 0;

  /// Applies delivery marks (see delivery_mark): a mark whose base is above
  /// the stored cursor, for an unknown device, or below the cursor changes
  /// nothing. At most one mark per (user, device) per call.
  virtual caf::error
  mark_delivered(const std::vector<delivery_mark>& marks) = 0;

  /// The delivery cursor of a device, which starts, on the device's first
  /// connection, where the least advanced device of the user stands (0 for
  /// a user's first device): a new device gets what some device lacks.
  /// Error not_found for an unknown user.
  virtual caf::expected<message_id> open_device(user_id user,
                                                const std::string& device) = 0;

  /// Up to `limit` messages to `recipient` with id > `after`, in id order
  /// (the offline push, paged by the caller). Reads only.
  virtual caf::expected<std::vector<chat_message>>
  messages_to(user_id recipient, message_id after, std::size_t limit) = 0;

  /// The users with a device whose cursor is below a message to them, so
  /// that the writer can answer most pushes without a query.
  virtual caf::expected<std::vector<user_id>> users_with_undelivered() = 0;

  /// How many messages to the user its least advanced device has not
  /// confirmed: what the next offline push to that device would send.
  virtual caf::expected<std::int64_t> undelivered_count(user_id user) = 0;

  /// The receipts for messages `sender` sent, one per reader and kind with
  /// a cursor above 0, most recent readers first, at most `limit` readers.
  virtual caf::expected<std::vector<receipt>>
  receipts_for(user_id sender, std::size_t limit) = 0;

  /// The conversations of `user`, newest first by their last message, whose
  /// last message id is below `before` (no bound when nullopt), at most
  /// `limit`.
  virtual caf::expected<std::vector<conversation_summary>>
  conversations(user_id user, std::optional<message_id> before,
                std::size_t limit) = 0;

  /// The users `user` has exchanged messages with, the most recent
  /// conversation first, at most `limit`.
  virtual caf::expected<std::vector<user_id>>
  conversation_peers(user_id user, std::size_t limit) = 0;

  /// The users whose username begins with `prefix`, compared without
  /// regard to ASCII case, by username, `exclude` left out, at most `limit`.
  /// `prefix` holds only username characters ([A-Za-z0-9_.-]).
  virtual caf::expected<std::vector<user_record>>
  users_by_prefix(const std::string& prefix, user_id exclude,
                  std::size_t limit) = 0;

  /// The newest message id to or from `user` (0 when there is none): where
  /// the user's stream stands.
  virtual caf::expected<message_id> last_message_of(user_id user) = 0;

  /// Cluster mode: commits take the cluster-wide commit lock, fill every
  /// new message's stream links (chat_message::recipient_prev and
  /// sender_prev) and keep presence per node, as `node`. Only PostgreSQL
  /// can; other stores answer an error.
  virtual caf::error enter_cluster(const std::string& node);

  /// Messages to or from `user` with id > `after`, in id order, at most
  /// `limit` (the resume replay, paged by the caller).
  virtual caf::expected<std::vector<chat_message>>
  messages_after(user_id user, message_id after, std::size_t limit) = 0;

  /// The conversation between `a` and `b`, newest first, ids < `before`
  /// (no bound when nullopt), at most `limit`.
  virtual caf::expected<std::vector<chat_message>>
  conversation(user_id a, user_id b, std::optional<message_id> before,
               std::size_t limit) = 0;

  /// `f` runs (on the owner's thread) each time the store has made a lost
  /// connection again; the node counts these (actors/metrics).
  void on_reconnect(std::function<void()> f) { reconnected_ = std::move(f); }

protected:
  /// For backends: a lost connection has just been made again.
  void reconnected() {
    if (reconnected_) reconnected_();
  }

private:
  std::function<void()> reconnected_;
};

/// Opens a connection and creates or migrates the schema. `url` is
/// `sqlite:PATH` or `postgresql://user[:password]@host[:port]/dbname`
/// (also `postgresql:///dbname?host=/socket/dir`). Errors: invalid_request
/// for a malformed URL, unavailable when the database cannot be reached.
caf::expected<std::unique_ptr<store>> open_store(const std::string& url);

} // namespace parley::persistence
