// Store tests for commit markers: a batch written again under the marker of
// an attempt that committed is answered with that attempt's rows instead of
// being stored twice (the writer's way out of a commit whose answer was
// lost), and markers do not pile up.
#include <chrono>

#include "tests/persistence/raw_session.hpp"

namespace parley::testing {

namespace {

timestamp_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

persistence::write_batch marked(std::vector<chat_message> messages,
                                std::string writer, std::uint64_t batch,
                                timestamp_ms at = now_ms()) {
  persistence::write_batch result;
  result.messages = std::move(messages);
  result.marker = {std::move(writer), batch, at};
  return result;
}

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "a batch written again under the marker its first attempt "
                  "committed is answered with that attempt's rows, stored "
                  "once") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto earlier = send(alice, bob, "earlier", "c-0");
  auto batch =
      marked({draft(alice, bob, "one"), draft(alice, bob, "keyed", "c-1"),
              draft(alice, bob, "resent", "c-0"), draft(bob, alice, "two"),
              draft(alice, bob, "keyed again", "c-1")},
             "writer-a", 1);
  auto first = value_of(store->commit(batch));
  auto again = value_of(store->commit(batch));
  REQUIRE(first.size() == 5);
  REQUIRE(again.size() == 5);
  for (std::size_t i = 0; i < first.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(again[i].error);
    CHECK(again[i].message.id == first[i].message.id);
    CHECK(again[i].duplicate == first[i].duplicate);
    CHECK(again[i].message.content == first[i].message.content);
  }
  CHECK_FALSE(again[0].duplicate);
  CHECK_FALSE(again[1].duplicate);
  CHECK(again[2].duplicate);
  CHECK(again[2].message.id == earlier.id);
  CHECK_FALSE(again[3].duplicate);
  CHECK(again[4].duplicate);
  CHECK(again[4].message.id == first[1].message.id);
  CHECK(contents(value_of(store->messages_after(bob, 0, 100))) ==
        std::vector<std::string>{"earlier", "one", "keyed", "two"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "a batch under a marker not committed before is stored, and "
                  "another writer's equal number is not its marker") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  auto first =
      value_of(store->commit(marked({draft(alice, bob, "a")}, "w1", 7)));
  auto other =
      value_of(store->commit(marked({draft(alice, bob, "b")}, "w2", 7)));
  REQUIRE(first.size() == 1);
  REQUIRE(other.size() == 1);
  CHECK(other[0].message.id > first[0].message.id);
  CHECK_FALSE(other[0].duplicate);
  CHECK(contents(value_of(store->messages_to(bob, 0, 10))) ==
        std::vector<std::string>{"a", "b"});
}

TEST_CASE_FIXTURE(store_fixture,
                  "each commit forgets its writer's older markers, and a store "
                  "that opens forgets markers older than a week") {
  auto alice = add_user("alice");
  auto bob = add_user("bob");
  for (std::uint64_t batch = 1; batch <= 3; ++batch)
    value_of(store->commit(marked({draft(alice, bob, "a")}, "w1", batch)));
  auto eight_days_ago = now_ms() - 8LL * 24 * 3600 * 1000;
  value_of(store->commit(
      marked({draft(alice, bob, "old")}, "ended", 1, eight_days_ago)));
  value_of(store->commit(marked({draft(alice, bob, "b")}, "w2", 1)));
  CHECK(count_rows(db.url(), "committed_batches") == 3);
  value_of(persistence::open_store(db.url()));
  CHECK(count_rows(db.url(), "committed_batches") == 2);
}

TEST_CASE_FIXTURE(store_fixture,
                  "a batch without messages or marker leaves no marker") {
  auto alice = add_user("alice");
  persistence::write_batch presence_only;
  presence_only.presence.push_back({alice, presence::online});
  value_of(store->commit(presence_only));
  CHECK(count_rows(db.url(), "committed_batches") == 0);
}

} // namespace parley::testing
