// The checker: every message parley-bench sends is written down here, and
// every frame that claims to be one is judged against it, so that a run
// can say exactly how many messages were lost, duplicated, reordered,
// corrupted or misattributed. Loss is judged per recipient, as the server
// promises delivery (to some connection of the user, at least once);
// duplicates per connection, as it promises never to repeat on one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::bench {

/// What one received incoming_message turned out to be.
enum class receipt_kind {
  delivered,     ///< first arrival on this connection, in order
  late,          ///< first arrival, but after a later message of its pair
  duplicate,     ///< this connection already had it (another one may too)
  corrupted,     ///< a token of this run that does not match what was sent
  misattributed, ///< intact, but wrong sender_id/username or recipient
  stale,         ///< a valid token of another run (e.g. an offline push)
  foreign,       ///< content that is no token at all
};

/// The verdict on one received message.
struct receipt {
  receipt_kind kind = receipt_kind::foreign;
  std::uint32_t msg = 0;       ///< record number; delivered/late/duplicate
  std::uint32_t sender = 0;    ///< sender's user index; same cases
  std::int64_t latency_ns = 0; ///< delivered/late: now - send time
  bool completed = false;      ///< the last delivery its message expected
};

/// Totals over a run so far.
struct ledger_counts {
  std::uint64_t sent = 0;                ///< messages
  std::uint64_t deliveries_expected = 0; ///< messages x recipient connections
  std::uint64_t received = 0;            ///< first deliveries, late included
  /// Messages expected on some connection that no connection of their
  /// recipient has received.
  std::uint64_t lost = 0;
  std::uint64_t lost_per_connection = 0; ///< expected deliveries missing
  std::uint64_t duplicated = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t misattributed = 0;
  std::uint64_t stale = 0;
  std::uint64_t foreign = 0;
  std::uint64_t acked = 0;     ///< messages the server acknowledged
  std::uint64_t confirmed = 0; ///< messages acknowledged or received
  std::uint64_t completed = 0; ///< messages every expected connection has
};

/// Who the users are, as the server knows them; index = user index.
struct ledger_users {
  std::vector<std::int64_t> ids;
  std::vector<std::string> usernames;
};

/// Records sends and judges receipts. Not thread-safe: one thread owns it.
class ledger {
public:
  /// A ledger for run `run` over `users`, each with `conns_per_user` (<= 64)
  /// connections.
  ledger(std::uint32_t run, ledger_users users, std::uint32_t conns_per_user);

  /// Writes a message from `sender` to `recipient` down, expected on the
  /// recipient connections whose bits are set in `expected_conns` (those
  /// open when it was sent); appends its token to `content` and returns its
  /// record number.
  std::uint32_t record_send(std::uint32_t sender, std::uint32_t recipient,
                            std::uint64_t expected_conns, std::int64_t sent_ns,
                            std::string& content);

  /// Judges an incoming_message seen on connection `conn` of `user` at
  /// `now_ns`, with the frame's sender_id, sender_username and content. A
  /// connection slot is opened once per run, so a slot is one connection.
  receipt record_receive(std::uint32_t user, std::uint32_t conn,
                         std::int64_t sender_id,
                         std::string_view sender_username,
                         std::string_view content, std::int64_t now_ns);

  /// Notes the server's acknowledgement of record `msg`; false when it was
  /// already acknowledged or `msg` is unknown.
  bool record_ack(std::uint32_t msg);

  /// When record `msg` was sent (or meant to be sent).
  std::int64_t sent_ns(std::uint32_t msg) const {
    return records_[msg].sent_ns;
  }

  /// The recipient's user index of record `msg`.
  std::uint32_t recipient_of(std::uint32_t msg) const {
    return records_[msg].recipient;
  }

  /// The server's id for user index `user`.
  std::int64_t user_id(std::uint32_t user) const { return users_.ids[user]; }

  /// Deliveries expected but not seen yet.
  std::uint64_t pending_deliveries() const { return pending_; }

  /// Totals; `lost` counts the messages no connection of their recipient
  /// has, `lost_per_connection` the deliveries still pending.
  ledger_counts counts() const;

  /// This run's token id.
  std::uint32_t run() const { return run_; }

private:
  struct send_record {
    std::int64_t sent_ns;
    std::uint64_t pending;  ///< expected connections still waiting
    std::uint64_t received; ///< connections that have it (expected or not)
    std::uint32_t sender;
    std::uint32_t recipient;
    std::uint32_t seq;
    std::uint32_t pair;
    bool acked;
    bool confirmed;
  };

  std::uint32_t pair_of(std::uint32_t sender, std::uint32_t recipient);
  void confirm(send_record& record);
  /// Which record a receipt names (kind delivered), or what else it is.
  receipt identify(std::uint32_t user, std::uint32_t conn,
                   std::int64_t sender_id, std::string_view sender_username,
                   std::string_view content);
  /// Notes the arrival of an identified record on connection `conn`.
  void arrive(receipt& result, std::uint32_t conn, std::int64_t now_ns);

  std::uint32_t run_;
  ledger_users users_;
  std::uint32_t conns_per_user_;
  std::vector<send_record> records_;
  std::unordered_map<std::uint64_t, std::uint32_t> pair_index_;
  std::vector<std::uint32_t> next_seq_; ///< per pair
  /// Per pair and recipient connection: highest seq seen + 1 (0: none).
  std::vector<std::uint32_t> seen_;
  std::uint64_t pending_ = 0;
  /// Messages expected somewhere that no connection has received yet.
  std::uint64_t unreached_ = 0;
  ledger_counts counts_;
};

} // namespace parley::bench
