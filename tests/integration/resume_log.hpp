// What a resuming client records of one connection, and the check that it
// got every message after its cursor once and in order (resume tests).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::testing {

/// One frame as a resuming client keeps it: its type and message id (for
/// sync_complete, its last_id).
struct seen_frame {
  std::string type;
  std::int64_t id = 0;
};

/// A sync frame a connection sent: after how many frames, for which id.
struct sent_sync {
  std::size_t after_frame = 0;
  std::int64_t after_id = 0;
};

/// Everything one connection received, and the sync frames it sent.
struct connection_log {
  std::int64_t since = 0; ///< the ?since= it was opened with
  std::vector<seen_frame> frames;
  std::vector<sent_sync> syncs;

  /// The ids of the message frames, in arrival order.
  std::vector<std::int64_t> message_ids() const;

  /// The frames as "12 13 done:13 14", for failure messages.
  std::string describe() const;
};

/// The frame as a resuming client keeps it.
seen_frame keep(const rapidjson::Value& frame);

/// Reads frames on `ws` into `log` (and their ids into `seen`) up to the
/// next sync_complete, then until `live_wanted` more messages arrived or
/// all `total` are in `seen`: it never waits for a frame that cannot come.
/// Throws std::runtime_error when a frame is overdue.
void read_through(ws_client& ws, connection_log& log, int live_wanted,
                  std::set<std::int64_t>& seen, std::size_t total);

/// Checks, with doctest, that `log` holds exactly the ids of `all_ids`
/// (sorted, every incoming message there is) after its since, each once
/// and in order, and after each sync frame exactly those after its id;
/// that each sync_complete names the last id replayed before it (or the
/// cursor); and that only incoming_message and sync_complete arrived.
void check_connection(const connection_log& log,
                      const std::vector<std::int64_t>& all_ids);

/// Streams `count` messages from `sender` to `recipient` in bursts of
/// `burst` (a divisor of `count`), each burst sent before its acks are
/// read; the acknowledged ids. Sets `done` at the end, also when it throws.
std::vector<std::int64_t> stream_messages(const running_node& node,
                                          const logged_in_user& sender,
                                          std::int64_t recipient, int count,
                                          int burst, std::atomic<bool>& done);

} // namespace parley::testing
