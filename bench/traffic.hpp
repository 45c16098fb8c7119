// The message traffic of a run: turns "send from user A to user B" into
// frames on the pool, and every frame the pool receives into verdicts of
// the ledger, acknowledgement matches, per-type counts and latencies; with
// --ack-every it also acks, per connection, what that connection received.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/cli.hpp"
#include "bench/client/ws_pool.hpp"
#include "bench/frame_parse.hpp"
#include "bench/latency.hpp"
#include "bench/ledger.hpp"

namespace parley::bench {

/// Frames that are not this run's messages, and connection endings.
struct traffic_counts {
  std::uint64_t acks = 0;               ///< message_sent frames matched
  std::uint64_t ack_frames_sent = 0;    ///< client acks (--ack-every)
  std::uint64_t ack_frames_refused = 0; ///< error frames answering them
  std::uint64_t ack_unmatched = 0;      ///< message_sent with nothing to ack
  std::uint64_t ack_mismatched = 0; ///< message_sent naming another recipient
  std::uint64_t error_frames = 0;
  std::uint64_t invalid_frames = 0; ///< not a JSON object
  std::uint64_t closed = 0;         ///< open connections that ended
  std::map<std::string, std::uint64_t> other_frames;  ///< by type
  std::map<std::string, std::uint64_t> errors;        ///< by code
  std::map<std::string, std::uint64_t> close_reasons; ///< by reason
};

/// What happened inside the measuring window.
struct window_counts {
  std::uint64_t sent = 0;       ///< messages meant to be sent in it
  std::uint64_t messages = 0;   ///< messages whose last delivery fell in it
  std::uint64_t deliveries = 0; ///< deliveries (one per connection) in it
  std::uint64_t acks = 0;
};

/// Connects the pool's events to the ledger. One thread (the loop's).
class traffic final : public ws_events {
public:
  /// Traffic for `users` users with `conns_per_user` connections each;
  /// connection index = user * conns_per_user + n. With `ack_every` > 0
  /// every connection acks after that many incoming messages.
  traffic(ledger& book, std::uint32_t users, std::uint32_t conns_per_user,
          protocol_kind protocol, std::uint32_t ack_every);

  /// The pool to send on; set once, before any traffic.
  void attach(ws_pool& pool) { pool_ = &pool; }

  /// Counts events at times in [start_ns, end_ns) as the window's.
  void set_window(std::int64_t start_ns, std::int64_t end_ns);

  /// Sends one message from `sender`'s first open connection to
  /// `recipient`, expected on every open connection of the recipient;
  /// false when the sender has no open connection.
  bool send_message(std::uint32_t sender, std::uint32_t recipient,
                    std::int64_t intended_ns);

  /// Messages sent that neither an ack nor an error answered yet (parley).
  std::uint64_t acks_outstanding() const { return acks_outstanding_; }

  /// With --ack-every: acks, on every open connection, the highest id it
  /// received since its last ack (the final ack at the end of the drain).
  void flush_acks();

  /// Deliveries seen on connection `conn`.
  std::uint32_t deliveries_on(std::uint32_t conn) const {
    return deliveries_[conn];
  }

  /// Totals of non-message frames.
  const traffic_counts& counts() const { return counts_; }

  /// Totals inside the window.
  const window_counts& window() const { return window_; }

  /// Send-to-delivery latencies inside the window.
  const latency_histogram& latency() const { return latency_; }

  /// Send-to-ack latencies inside the window (parley).
  const latency_histogram& ack_latency() const { return ack_latency_; }

  /// Hooks for the scenario; any may be empty.
  std::function<void(std::uint32_t conn)> opened;
  std::function<void(std::uint32_t conn, bool refused, const std::string&)>
      open_failed;
  std::function<void(std::uint32_t sender)> completed;

  void on_open(std::uint32_t conn) override;
  void on_open_failed(std::uint32_t conn, bool refused,
                      const std::string& why) override;
  void on_frame(std::uint32_t conn, std::string_view text) override;
  void on_closed(std::uint32_t conn, const std::string& why) override;

private:
  bool in_window(std::int64_t t) const {
    return t >= window_start_ && t < window_end_;
  }
  /// What one connection has received and acked (--ack-every).
  struct ack_cursor {
    std::int64_t highest = 0;  ///< highest incoming_message id received
    std::int64_t acked = 0;    ///< up_to_id of the last ack sent
    std::uint32_t unacked = 0; ///< incoming messages since that ack
  };

  void on_incoming(std::uint32_t conn, std::int64_t now);
  void on_error(std::uint32_t conn, std::int64_t now);
  void on_answer(std::uint32_t conn, bool is_ack, std::int64_t now);
  void count_for_ack(std::uint32_t conn);
  void send_ack(std::uint32_t conn);

  ledger& book_;
  std::uint32_t conns_per_user_;
  protocol_kind protocol_;
  std::uint32_t ack_every_;
  ws_pool* pool_ = nullptr;
  frame_parser parser_;
  server_frame received_; ///< reused for every frame
  std::string outgoing_;  ///< reused for every frame sent
  /// Per user: record numbers sent and not yet answered, oldest first.
  std::vector<std::deque<std::uint32_t>> unanswered_;
  std::uint64_t acks_outstanding_ = 0;
  std::vector<std::uint32_t> deliveries_;
  std::vector<ack_cursor> ack_cursors_; ///< per connection; empty: no acks
  std::string ack_frame_;               ///< reused for every ack sent
  std::int64_t window_start_ = 0;
  std::int64_t window_end_ = 0;
  traffic_counts counts_;
  window_counts window_;
  latency_histogram latency_;
  latency_histogram ack_latency_;
};

} // namespace parley::bench
