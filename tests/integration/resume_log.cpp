// What a resuming client records of one connection, and its checks.
#include "tests/integration/resume_log.hpp"

#include <algorithm>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/support/json_body.hpp"

namespace parley::testing {

namespace {

/// Sets a flag when it goes out of scope, however that happens.
struct set_on_exit {
  std::atomic<bool>& flag;
  ~set_on_exit() { flag = true; }
};

/// Checks frames [begin, end) of `log`, a stretch that resumed after
/// `cursor`; true when it holds a sync_complete.
bool check_stretch(const connection_log& log, std::size_t begin,
                   std::size_t end, std::int64_t cursor,
                   const std::vector<std::int64_t>& all_ids) {
  INFO("stretch after " << cursor << " from frame " << begin);
  auto expected = std::upper_bound(all_ids.begin(), all_ids.end(), cursor);
  auto last = cursor;
  int completions = 0;
  for (auto i = begin; i < end; ++i) {
    const auto& frame = log.frames[i];
    INFO("frame " << i);
    if (frame.type == "sync_complete") {
      ++completions;
      CHECK(frame.id == last);
      continue;
    }
    CHECK(frame.type == "incoming_message");
    REQUIRE(expected != all_ids.end());
    if (frame.id != *expected) {
      // One report per stretch: every later frame would be off as well.
      FAIL_CHECK("message " << frame.id << " where " << *expected
                            << " was due");
      return true;
    }
    last = frame.id;
    ++expected;
  }
  CHECK(completions <= 1);
  return completions == 1;
}

/// Where the replay a sync frame asked for begins: its after_id is below
/// what the connection saw last, so its first message id does not grow.
std::size_t replay_start(const connection_log& log, const sent_sync& sync) {
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < log.frames.size(); ++i) {
    const auto& frame = log.frames[i];
    if (frame.type == "sync_complete") continue;
    if (i >= sync.after_frame && frame.id <= previous) return i;
    previous = frame.id;
  }
  return log.frames.size();
}

} // namespace

std::vector<std::int64_t> connection_log::message_ids() const {
  std::vector<std::int64_t> ids;
  for (const auto& frame : frames)
    if (frame.type != "sync_complete") ids.push_back(frame.id);
  return ids;
}

std::string connection_log::describe() const {
  std::ostringstream out;
  out << "since " << since << ":";
  std::size_t next_sync = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    while (next_sync < syncs.size() && syncs[next_sync].after_frame == i)
      out << " [sync " << syncs[next_sync++].after_id << "]";
    out << ' ' << (frames[i].type == "sync_complete" ? "done:" : "")
        << frames[i].id;
  }
  return out.str();
}

seen_frame keep(const rapidjson::Value& frame) {
  auto type = type_of(frame);
  if (type == "sync_complete")
    return {type, int_member(frame, "last_id").value_or(-1)};
  return {type, id_of(frame)};
}

void read_through(ws_client& ws, connection_log& log, int live_wanted,
                  std::set<std::int64_t>& seen, std::size_t total) {
  bool completed = false;
  int live = 0;
  while (!completed || (live < live_wanted && seen.size() < total)) {
    auto frame = keep(next_frame(ws));
    log.frames.push_back(frame);
    if (frame.type == "sync_complete") {
      completed = true;
      continue;
    }
    seen.insert(frame.id);
    if (completed) ++live;
  }
}

void check_connection(const connection_log& log,
                      const std::vector<std::int64_t>& all_ids) {
  INFO(log.describe());
  std::size_t begin = 0;
  auto cursor = log.since;
  for (const auto& sync : log.syncs) {
    auto boundary = replay_start(log, sync);
    // A stretch that a sync frame ended was read through its sync_complete.
    CHECK(check_stretch(log, begin, boundary, cursor, all_ids));
    begin = boundary;
    cursor = sync.after_id;
  }
  check_stretch(log, begin, log.frames.size(), cursor, all_ids);
}

std::vector<std::int64_t> stream_messages(const running_node& node,
                                          const logged_in_user& sender,
                                          std::int64_t recipient, int count,
                                          int burst, std::atomic<bool>& done) {
  set_on_exit finished{done};
  std::vector<std::int64_t> acked;
  auto ws = connect_with_header(node, sender);
  for (int sent = 0; sent < count; sent += burst) {
    for (int i = 0; i < burst; ++i)
      ws->send_text(
          private_message(recipient, "stream " + std::to_string(sent + i)));
    for (int i = 0; i < burst; ++i)
      acked.push_back(id_of(expect_next(*ws, "message_sent")));
  }
  return acked;
}

} // namespace parley::testing
