// The checker. A message's token names its record; the record says who
// sent it to whom, with which per-pair sequence number, which recipient
// connections still wait for it and which have it. Order is checked per pair
// and recipient connection: a message arriving after a later one of its pair
// is late. The same message on two connections of the recipient is fan-out;
// on one connection twice it is a duplicate.
#include "bench/ledger.hpp"

#include <utility>

#include "bench/message_token.hpp"

namespace parley::bench {

ledger::ledger(std::uint32_t run, ledger_users users,
               std::uint32_t conns_per_user)
    : run_(run)
    , users_(std::move(users))
    , conns_per_user_(conns_per_user) {
  pair_index_.reserve(users_.ids.size() * 2);
}

std::uint32_t ledger::pair_of(std::uint32_t sender, std::uint32_t recipient) {
  auto key = (std::uint64_t{sender} << 32) | recipient;
  auto [it, added] = pair_index_.try_emplace(
      key, static_cast<std::uint32_t>(next_seq_.size()));
  if (added) {
    next_seq_.push_back(0);
    seen_.resize(seen_.size() + conns_per_user_, 0);
  }
  return it->second;
}

std::uint32_t ledger::record_send(std::uint32_t sender, std::uint32_t recipient,
                                  std::uint64_t expected_conns,
                                  std::int64_t sent_ns, std::string& content) {
  auto pair = pair_of(sender, recipient);
  auto msg = static_cast<std::uint32_t>(records_.size());
  auto seq = next_seq_[pair]++;
  records_.push_back(
      {sent_ns, expected_conns, 0, sender, recipient, seq, pair, false, false});
  append_token(content, {run_, sender, recipient, seq, msg});
  auto expected =
      static_cast<std::uint64_t>(__builtin_popcountll(expected_conns));
  pending_ += expected;
  if (expected_conns != 0) ++unreached_;
  ++counts_.sent;
  counts_.deliveries_expected += expected;
  if (expected_conns == 0) ++counts_.completed; // nobody to wait for
  return msg;
}

void ledger::confirm(send_record& record) {
  if (record.confirmed) return;
  record.confirmed = true;
  ++counts_.confirmed;
}

receipt ledger::identify(std::uint32_t user, std::uint32_t conn,
                         std::int64_t sender_id,
                         std::string_view sender_username,
                         std::string_view content) {
  receipt result;
  token_fields token;
  auto status = parse_token(content, token);
  if (status == token_status::foreign) {
    ++counts_.foreign;
    return result;
  }
  if (status == token_status::valid && token.run != run_) {
    result.kind = receipt_kind::stale;
    ++counts_.stale;
    return result;
  }
  // A token that parses must also describe a message this run sent.
  bool matches = status == token_status::valid && token.msg < records_.size() &&
                 records_[token.msg].sender == token.sender &&
                 records_[token.msg].recipient == token.recipient &&
                 records_[token.msg].seq == token.seq;
  if (!matches) {
    result.kind = receipt_kind::corrupted;
    ++counts_.corrupted;
    return result;
  }
  const auto& record = records_[token.msg];
  bool right_sender = sender_id == users_.ids[record.sender] &&
                      sender_username == users_.usernames[record.sender];
  if (!right_sender || user != record.recipient || conn >= conns_per_user_) {
    result.kind = receipt_kind::misattributed;
    ++counts_.misattributed;
    return result;
  }
  result.kind = receipt_kind::delivered;
  result.msg = token.msg;
  result.sender = record.sender;
  return result;
}

void ledger::arrive(receipt& result, std::uint32_t conn, std::int64_t now_ns) {
  auto& record = records_[result.msg];
  auto bit = std::uint64_t{1} << conn;
  if ((record.received & bit) != 0) {
    result.kind = receipt_kind::duplicate;
    ++counts_.duplicated;
    return;
  }
  // Before its first receipt a record's pending mask is still what was
  // expected: non-zero exactly when it was counted as unreached.
  if (record.received == 0 && record.pending != 0) --unreached_;
  record.received |= bit;
  // A connection opened after the send was not waited for: its receipt
  // counts, but completes nothing.
  bool awaited = (record.pending & bit) != 0;
  if (awaited) {
    record.pending &= ~bit;
    --pending_;
  }
  ++counts_.received;
  confirm(record);
  result.latency_ns = now_ns - record.sent_ns;
  auto& seen = seen_[std::size_t{record.pair} * conns_per_user_ + conn];
  if (record.seq + 1 < seen) {
    result.kind = receipt_kind::late;
    ++counts_.out_of_order;
  } else {
    seen = record.seq + 1;
  }
  if (awaited && record.pending == 0) {
    result.completed = true;
    ++counts_.completed;
  }
}

receipt ledger::record_receive(std::uint32_t user, std::uint32_t conn,
                               std::int64_t sender_id,
                               std::string_view sender_username,
                               std::string_view content, std::int64_t now_ns) {
  auto result = identify(user, conn, sender_id, sender_username, content);
  if (result.kind == receipt_kind::delivered) arrive(result, conn, now_ns);
  return result;
}

bool ledger::record_ack(std::uint32_t msg) {
  if (msg >= records_.size() || records_[msg].acked) return false;
  records_[msg].acked = true;
  ++counts_.acked;
  confirm(records_[msg]);
  return true;
}

ledger_counts ledger::counts() const {
  auto totals = counts_;
  totals.lost = unreached_;
  totals.lost_per_connection = pending_;
  return totals;
}

} // namespace parley::bench
