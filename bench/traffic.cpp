// Traffic: the glue between pool and ledger. Parley answers every message
// on the sending connection, in the order sent (one writer commits in
// order), with message_sent or an error; so the oldest unanswered message
// of that user is the one an answer belongs to. The seed server answers
// nothing. Client acks are answered only when refused (an error frame with
// invalid_ack, or unknown_type from a server without acks); those are not
// answers to a message.
#include "bench/traffic.hpp"

#include <charconv>

#include "bench/clock.hpp"
#include "bench/message_token.hpp"

namespace parley::bench {

namespace {

constexpr std::string_view frame_head =
    R"({"type":"private_message","recipient_id":)";
constexpr std::string_view content_head = R"(,"content":")";
constexpr std::string_view frame_tail = R"("})";
constexpr std::string_view ack_head = R"({"type":"ack","up_to_id":)";

void append_number(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec; // 24 characters hold any 64-bit integer
  out.append(digits, end);
}

/// The error codes with which a server refuses a client ack.
bool refuses_ack(const std::string& code) {
  return code == "invalid_ack" || code == "unknown_type";
}

} // namespace

traffic::traffic(ledger& book, std::uint32_t users,
                 std::uint32_t conns_per_user, protocol_kind protocol,
                 std::uint32_t ack_every)
    : book_(book)
    , conns_per_user_(conns_per_user)
    , protocol_(protocol)
    , ack_every_(ack_every)
    , unanswered_(users)
    , deliveries_(std::size_t{users} * conns_per_user, 0) {
  outgoing_.reserve(frame_head.size() + 24 + content_head.size() +
                    max_token_bytes + frame_tail.size());
  if (ack_every_ > 0) {
    ack_cursors_.resize(deliveries_.size());
    ack_frame_.reserve(ack_head.size() + 24 + 1);
  }
}

void traffic::set_window(std::int64_t start_ns, std::int64_t end_ns) {
  window_start_ = start_ns;
  window_end_ = end_ns;
}

bool traffic::send_message(std::uint32_t sender, std::uint32_t recipient,
                           std::int64_t intended_ns) {
  auto first = sender * conns_per_user_;
  auto from = first;
  while (from < first + conns_per_user_ && !pool_->is_open(from))
    ++from;
  if (from == first + conns_per_user_) return false;
  std::uint64_t expected = 0;
  for (std::uint32_t n = 0; n < conns_per_user_; ++n)
    if (pool_->is_open(recipient * conns_per_user_ + n))
      expected |= std::uint64_t{1} << n;
  outgoing_.assign(frame_head);
  append_number(outgoing_, book_.user_id(recipient));
  outgoing_.append(content_head);
  auto msg =
      book_.record_send(sender, recipient, expected, intended_ns, outgoing_);
  outgoing_.append(frame_tail);
  pool_->send(from, outgoing_);
  if (protocol_ == protocol_kind::parley) {
    unanswered_[sender].push_back(msg);
    ++acks_outstanding_;
  }
  if (in_window(intended_ns)) ++window_.sent;
  return true;
}

void traffic::on_open(std::uint32_t conn) {
  if (opened) opened(conn);
}

void traffic::on_open_failed(std::uint32_t conn, bool refused,
                             const std::string& why) {
  if (open_failed) open_failed(conn, refused, why);
}

void traffic::on_closed(std::uint32_t conn, const std::string& why) {
  (void)conn;
  ++counts_.closed;
  ++counts_.close_reasons[why];
}

void traffic::on_frame(std::uint32_t conn, std::string_view text) {
  auto now = now_ns();
  if (!parser_.parse(text, received_)) {
    ++counts_.invalid_frames;
    return;
  }
  switch (received_.type) {
  case frame_type::incoming_message:
    on_incoming(conn, now);
    if (ack_every_ > 0) count_for_ack(conn);
    break;
  case frame_type::message_sent:
    on_answer(conn, true, now);
    break;
  case frame_type::error:
    on_error(conn, now);
    break;
  default:
    ++counts_.other_frames[received_.type_name];
    break;
  }
}

void traffic::on_incoming(std::uint32_t conn, std::int64_t now) {
  auto user = conn / conns_per_user_;
  auto n = conn % conns_per_user_;
  // A frame without sender fields is judged with impossible ones, so that
  // an intact token still shows up as misattributed.
  auto sender_id = received_.has_sender_id ? received_.sender_id : -1;
  auto verdict = book_.record_receive(
      user, n, sender_id, received_.sender_username, received_.content, now);
  if (verdict.kind != receipt_kind::delivered &&
      verdict.kind != receipt_kind::late)
    return;
  ++deliveries_[conn];
  if (in_window(now)) {
    ++window_.deliveries;
    latency_.record_ns(verdict.latency_ns);
    if (verdict.completed) ++window_.messages;
  }
  if (verdict.completed && completed) completed(verdict.sender);
}

void traffic::on_error(std::uint32_t conn, std::int64_t now) {
  ++counts_.error_frames;
  ++counts_.errors[received_.code.empty() ? "unspecified" : received_.code];
  // The tool sends only private_message and ack frames, and no message is
  // refused with these codes.
  if (ack_every_ > 0 && refuses_ack(received_.code)) {
    ++counts_.ack_frames_refused;
    return;
  }
  on_answer(conn, false, now);
}

void traffic::count_for_ack(std::uint32_t conn) {
  auto& cursor = ack_cursors_[conn];
  // Every frame with an id arrives in ascending id order (a stale push
  // included), so the highest one received is a safe cursor.
  if (received_.has_id && received_.id > cursor.highest)
    cursor.highest = received_.id;
  if (++cursor.unacked >= ack_every_) send_ack(conn);
}

void traffic::send_ack(std::uint32_t conn) {
  auto& cursor = ack_cursors_[conn];
  cursor.unacked = 0;
  if (cursor.highest <= cursor.acked) return; // nothing new to confirm
  ack_frame_.assign(ack_head);
  append_number(ack_frame_, cursor.highest);
  ack_frame_.push_back('}');
  if (!pool_->send(conn, ack_frame_)) return;
  cursor.acked = cursor.highest;
  ++counts_.ack_frames_sent;
}

void traffic::flush_acks() {
  for (std::uint32_t conn = 0; conn < ack_cursors_.size(); ++conn)
    send_ack(conn);
}

void traffic::on_answer(std::uint32_t conn, bool is_ack, std::int64_t now) {
  auto& waiting = unanswered_[conn / conns_per_user_];
  if (waiting.empty()) {
    if (is_ack) ++counts_.ack_unmatched;
    return;
  }
  auto msg = waiting.front();
  waiting.pop_front();
  --acks_outstanding_;
  if (!is_ack) return;
  if (!received_.has_recipient_id ||
      received_.recipient_id != book_.user_id(book_.recipient_of(msg))) {
    ++counts_.ack_mismatched;
    return;
  }
  book_.record_ack(msg);
  ++counts_.acks;
  if (in_window(now)) {
    ++window_.acks;
    ack_latency_.record_ns(now - book_.sent_ns(msg));
  }
}

} // namespace parley::bench
