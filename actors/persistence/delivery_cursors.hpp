// The writer's view of delivery cursors: a mirror of device_cursors for the
// devices seen in this run, the marks waiting for a commit, and what it
// knows of each user's newest message so that most pushes need no query.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "persistence/store.hpp"

namespace parley {

/// A user's device, as delivery cursors are kept.
using device_key = std::pair<user_id, std::string>;

/// One page of an offline push: the device's cursor and messages after it.
struct push_page {
  message_id cursor = 0;
  std::vector<chat_message> messages;
};

/// Owned by the writer, the only one that moves cursors: so the mirror can
/// apply a mark's base condition itself and merge a device's marks into
/// one step per commit (the SQL checks the base again, for safety).
/// Not thread-safe; every call that takes a store may block on it.
class delivery_cursors {
public:
  /// Learns which users had a device behind at start; until this worked,
  /// every push queries.
  void load_backlog(persistence::store& db);

  /// A device's cursor as it will stand once the queued marks commit; read
  /// (and on the device's first connection created) once per run.
  caf::expected<message_id> cursor(persistence::store& db, user_id user,
                                   const std::string& device);

  /// Up to `rows` messages to the user after `after`, or after the device's
  /// cursor when `after` is no_resume. Reads only.
  caf::expected<push_page> page(persistence::store& db, user_id user,
                                const std::string& device, message_id after,
                                std::size_t rows);

  /// Applies a mark (base condition included) to the mirror and queues it;
  /// true when it was queued, false when it changes nothing.
  caf::expected<bool> mark(persistence::store& db, user_id user,
                           const std::string& device, message_id base,
                           message_id through);

  /// The queued marks, one per device, emptied.
  std::vector<persistence::delivery_mark> take_marks();

  /// Marks whose commit failed wait for the next one.
  void give_back(const std::vector<persistence::delivery_mark>& marks);

  /// A committed message to `user`.
  void note_stored(user_id user, message_id id);

  /// The user went offline and its marks are committing: forget its
  /// devices, so that the mirror holds only users online now.
  void forget(user_id user);

  /// Cluster mode: other nodes' writers move cursors and store messages
  /// too, so every push reads the device's cursor and its messages afresh
  /// (the mirror stays at or below the stored cursor, so its base checks
  /// only ever refuse a mark the database would take: a message may then
  /// be pushed once more, never skipped).
  void share_database() { shared_ = true; }

  /// Whether marks are queued.
  bool has_marks() const { return !queued_.empty(); }

private:
  bool may_lack(user_id user, message_id cursor) const;

  std::map<device_key, message_id> cursors_;
  /// A queued step per device: from the cursor when it was first queued
  /// (base) to the newest (through).
  std::map<device_key, std::pair<message_id, message_id>> queued_;
  std::unordered_map<user_id, message_id> newest_to_;
  std::unordered_set<user_id> backlog_at_start_;
  bool backlog_loaded_ = false;
  bool shared_ = false;
};

} // namespace parley
