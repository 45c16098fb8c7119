// The checker reports each kind of trouble as itself, and a clean run as
// clean. Loss has two figures: per recipient (the headline, what the server
// promises) and per connection.
#include <string>

#include <doctest/doctest.h>

#include "bench/ledger.hpp"
#include "bench/message_token.hpp"

namespace {

using namespace parley::bench;

constexpr std::uint32_t run_id = 0xabc123;

ledger_users three_users() {
  return {{101, 102, 103}, {"ann", "bob", "cat"}};
}

/// The content a sent frame would carry, as the server echoes it.
struct sent_message {
  std::uint32_t msg;
  std::string content;
};

sent_message send(ledger& book, std::uint32_t from, std::uint32_t to,
                  std::int64_t at_ns = 1000, std::uint64_t conns = 1) {
  sent_message m;
  m.msg = book.record_send(from, to, conns, at_ns, m.content);
  return m;
}

receipt deliver(ledger& book, std::uint32_t to, const sent_message& m,
                std::int64_t sender_id, const char* name,
                std::uint32_t conn = 0, std::int64_t at_ns = 5000) {
  return book.record_receive(to, conn, sender_id, name, m.content, at_ns);
}

} // namespace

TEST_CASE("a run where every message arrives once and in order is clean") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  auto b = send(book, 0, 1);
  auto c = send(book, 1, 0);
  CHECK(deliver(book, 1, a, 101, "ann").kind == receipt_kind::delivered);
  CHECK(deliver(book, 1, b, 101, "ann").kind == receipt_kind::delivered);
  auto last = deliver(book, 0, c, 102, "bob");
  CHECK(last.kind == receipt_kind::delivered);
  CHECK(last.completed);
  CHECK(last.sender == 1);
  auto counts = book.counts();
  CHECK(counts.sent == 3);
  CHECK(counts.received == 3);
  CHECK(counts.completed == 3);
  CHECK(counts.lost == 0);
  CHECK(counts.duplicated == 0);
  CHECK(counts.out_of_order == 0);
  CHECK(counts.corrupted == 0);
  CHECK(counts.misattributed == 0);
  CHECK(book.pending_deliveries() == 0);
}

TEST_CASE("latency is measured from the send time to the receipt") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1, 1'000'000);
  auto verdict = deliver(book, 1, a, 101, "ann", 0, 3'500'000);
  CHECK(verdict.latency_ns == 2'500'000);
}

TEST_CASE("a message that never arrives is lost") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  send(book, 0, 1);
  deliver(book, 1, a, 101, "ann");
  auto counts = book.counts();
  CHECK(counts.lost == 1);
  CHECK(counts.lost_per_connection == 1);
  CHECK(counts.received == 1);
  CHECK(counts.completed == 1);
}

TEST_CASE("a message that arrives twice on one connection is a duplicate") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  CHECK(deliver(book, 1, a, 101, "ann").kind == receipt_kind::delivered);
  auto again = deliver(book, 1, a, 101, "ann");
  CHECK(again.kind == receipt_kind::duplicate);
  CHECK_FALSE(again.completed);
  auto counts = book.counts();
  CHECK(counts.duplicated == 1);
  CHECK(counts.received == 1);
  CHECK(counts.lost == 0);
}

TEST_CASE("a message that arrives after a later one of its pair is out of "
          "order, yet delivered") {
  ledger book(run_id, three_users(), 1);
  auto first = send(book, 0, 1);
  auto second = send(book, 0, 1);
  CHECK(deliver(book, 1, second, 101, "ann").kind == receipt_kind::delivered);
  CHECK(deliver(book, 1, first, 101, "ann").kind == receipt_kind::late);
  auto counts = book.counts();
  CHECK(counts.out_of_order == 1);
  CHECK(counts.received == 2);
  CHECK(counts.lost == 0);
}

TEST_CASE("order is per pair: other senders' messages may interleave") {
  ledger book(run_id, three_users(), 1);
  auto from_ann = send(book, 0, 2);
  auto from_bob = send(book, 1, 2);
  CHECK(deliver(book, 2, from_bob, 102, "bob").kind == receipt_kind::delivered);
  CHECK(deliver(book, 2, from_ann, 101, "ann").kind == receipt_kind::delivered);
  CHECK(book.counts().out_of_order == 0);
}

TEST_CASE("content changed on the way is corrupted and its message lost") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  auto tampered = a;
  tampered.content[5] = tampered.content[5] == '0' ? '1' : '0';
  CHECK(deliver(book, 1, tampered, 101, "ann").kind == receipt_kind::corrupted);
  auto cut = a;
  cut.content.pop_back();
  CHECK(deliver(book, 1, cut, 101, "ann").kind == receipt_kind::corrupted);
  auto counts = book.counts();
  CHECK(counts.corrupted == 2);
  CHECK(counts.lost == 1);
}

TEST_CASE("a well-formed token that names no sent message is corrupted") {
  ledger book(run_id, three_users(), 1);
  send(book, 0, 1);
  sent_message forged;
  forged.msg = 7;
  append_token(forged.content, {run_id, 0, 1, 0, 7}); // no record 7
  CHECK(deliver(book, 1, forged, 101, "ann").kind == receipt_kind::corrupted);
  sent_message swapped;
  append_token(swapped.content, {run_id, 0, 1, 5, 0}); // record 0 has seq 0
  CHECK(deliver(book, 1, swapped, 101, "ann").kind == receipt_kind::corrupted);
  CHECK(book.counts().corrupted == 2);
}

TEST_CASE("a wrong sender_id is misattributed") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  CHECK(deliver(book, 1, a, 103, "ann").kind == receipt_kind::misattributed);
  CHECK(book.counts().misattributed == 1);
  CHECK(book.counts().lost == 1);
}

TEST_CASE("a wrong sender_username is misattributed") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  CHECK(deliver(book, 1, a, 101, "cat").kind == receipt_kind::misattributed);
  CHECK(book.counts().misattributed == 1);
}

TEST_CASE("a message delivered to someone else is misattributed") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  CHECK(deliver(book, 2, a, 101, "ann").kind == receipt_kind::misattributed);
  CHECK(book.counts().misattributed == 1);
  CHECK(book.counts().lost == 1);
}

TEST_CASE("a token from another run is stale, not corrupted") {
  ledger book(run_id, three_users(), 1);
  sent_message old;
  append_token(old.content, {run_id + 1, 0, 1, 0, 0});
  CHECK(deliver(book, 1, old, 101, "ann").kind == receipt_kind::stale);
  CHECK(book.counts().stale == 1);
  CHECK(book.counts().corrupted == 0);
}

TEST_CASE("content that is no token at all is foreign") {
  ledger book(run_id, three_users(), 1);
  sent_message chat{0, "Hi Bob!"};
  CHECK(deliver(book, 1, chat, 101, "ann").kind == receipt_kind::foreign);
  CHECK(book.counts().foreign == 1);
  CHECK(book.counts().corrupted == 0);
}

TEST_CASE("with several connections a message completes on the last one, "
          "and each connection still missing it counts per connection") {
  ledger book(run_id, three_users(), 3);
  auto a = send(book, 0, 1, 1000, 0b111);
  auto b = send(book, 0, 1, 1000, 0b111);
  CHECK_FALSE(deliver(book, 1, a, 101, "ann", 0).completed);
  CHECK_FALSE(deliver(book, 1, a, 101, "ann", 2).completed);
  CHECK(deliver(book, 1, a, 101, "ann", 1).completed);
  deliver(book, 1, b, 101, "ann", 1);
  auto counts = book.counts();
  CHECK(counts.deliveries_expected == 6);
  CHECK(counts.received == 4);
  CHECK(counts.lost == 0); // b reached the recipient on connection 1
  CHECK(counts.lost_per_connection == 2);
  CHECK(counts.completed == 1);
  CHECK(book.pending_deliveries() == 2);
}

TEST_CASE("a message that reached one connection of its recipient is not "
          "lost") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b11);
  deliver(book, 1, a, 101, "ann", 1);
  auto counts = book.counts();
  CHECK(counts.lost == 0);
  CHECK(counts.lost_per_connection == 1);
  CHECK(counts.confirmed == 1);
}

TEST_CASE("a message that no connection of its recipient got is lost once, "
          "and once per connection that lacks it") {
  ledger book(run_id, three_users(), 3);
  auto a = send(book, 0, 1, 1000, 0b111);
  send(book, 0, 1, 1000, 0b101);
  deliver(book, 1, a, 101, "ann", 2);
  auto counts = book.counts();
  CHECK(counts.lost == 1);                // the second message
  CHECK(counts.lost_per_connection == 4); // a on 0 and 1, the second on 0, 2
  CHECK(counts.completed == 0);
}

TEST_CASE("the same message on every connection of its recipient is fan-out, "
          "not a duplicate") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b11);
  CHECK(deliver(book, 1, a, 101, "ann", 0).kind == receipt_kind::delivered);
  CHECK(deliver(book, 1, a, 101, "ann", 1).kind == receipt_kind::delivered);
  auto counts = book.counts();
  CHECK(counts.duplicated == 0);
  CHECK(counts.received == 2);
  CHECK(counts.completed == 1);
}

TEST_CASE("a message twice on one connection is a duplicate even when "
          "another connection has it as well") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b11);
  deliver(book, 1, a, 101, "ann", 0);
  deliver(book, 1, a, 101, "ann", 1);
  auto again = deliver(book, 1, a, 101, "ann", 1);
  CHECK(again.kind == receipt_kind::duplicate);
  CHECK_FALSE(again.completed);
  auto counts = book.counts();
  CHECK(counts.duplicated == 1);
  CHECK(counts.received == 2);
  CHECK(counts.completed == 1);
}

TEST_CASE("a repeat on a connection that was not open at the send is still "
          "a duplicate") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b01);
  CHECK(deliver(book, 1, a, 101, "ann", 1).kind == receipt_kind::delivered);
  CHECK(deliver(book, 1, a, 101, "ann", 1).kind == receipt_kind::duplicate);
  CHECK(book.counts().duplicated == 1);
}

TEST_CASE("a connection that was not open at the send reaches the recipient "
          "but completes nothing") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b01);
  auto early = deliver(book, 1, a, 101, "ann", 1);
  CHECK(early.kind == receipt_kind::delivered);
  CHECK_FALSE(early.completed);
  auto counts = book.counts();
  CHECK(counts.lost == 0);
  CHECK(counts.lost_per_connection == 1); // connection 0 still waits
  CHECK(deliver(book, 1, a, 101, "ann", 0).completed);
  CHECK(book.counts().completed == 1);
}

TEST_CASE("a message expected on no connection is neither lost nor waited "
          "for") {
  ledger book(run_id, three_users(), 2);
  send(book, 0, 1, 1000, 0);
  auto counts = book.counts();
  CHECK(counts.lost == 0);
  CHECK(counts.lost_per_connection == 0);
  CHECK(counts.completed == 1);
  CHECK(book.pending_deliveries() == 0);
}

TEST_CASE("a message that reached only another user is lost for its "
          "recipient") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b11);
  CHECK(deliver(book, 2, a, 101, "ann", 0).kind == receipt_kind::misattributed);
  auto counts = book.counts();
  CHECK(counts.lost == 1);
  CHECK(counts.lost_per_connection == 2);
}

TEST_CASE("a corrupted copy does not count as reaching the recipient") {
  ledger book(run_id, three_users(), 2);
  auto a = send(book, 0, 1, 1000, 0b11);
  auto tampered = a;
  tampered.content.back() = tampered.content.back() == '0' ? '1' : '0';
  CHECK(deliver(book, 1, tampered, 101, "ann", 1).kind ==
        receipt_kind::corrupted);
  CHECK(book.counts().lost == 1);
}

TEST_CASE("order is checked per recipient connection") {
  ledger book(run_id, three_users(), 2);
  auto first = send(book, 0, 1, 1000, 0b11);
  auto second = send(book, 0, 1, 1000, 0b11);
  deliver(book, 1, first, 101, "ann", 0);
  deliver(book, 1, second, 101, "ann", 0);
  CHECK(deliver(book, 1, second, 101, "ann", 1).kind ==
        receipt_kind::delivered);
  CHECK(deliver(book, 1, first, 101, "ann", 1).kind == receipt_kind::late);
  CHECK(book.counts().out_of_order == 1);
}

TEST_CASE("an acknowledgement counts once and confirms its message") {
  ledger book(run_id, three_users(), 1);
  auto a = send(book, 0, 1);
  auto b = send(book, 0, 1);
  CHECK(book.record_ack(a.msg));
  CHECK_FALSE(book.record_ack(a.msg));
  CHECK_FALSE(book.record_ack(99));
  deliver(book, 1, a, 101, "ann");
  deliver(book, 1, b, 101, "ann");
  auto counts = book.counts();
  CHECK(counts.acked == 1);
  CHECK(counts.confirmed == 2); // a by ack and receipt, b by receipt
}
