// Churn: one user's three devices connect and disconnect at random every
// 20-300 ms, abruptly or cleanly, while two senders send 2,000 messages.
// Acking devices (?acks=1&device=...) must end up with every message at
// least once each; plain devices (no acks, the default device) together
// with a final plain connection's push must see every message at least
// once. No connection may see a message twice or out of order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/db_rows.hpp"
#include "tests/integration/raw_connection.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

constexpr int senders = 2;
constexpr int messages_per_sender = 1000;
constexpr int devices = 3;
constexpr int send_window = 25; // pipelined, below the read-pause bound
constexpr int ack_every = 10;   // an acking client acks every 10 messages

/// What one connection of a device received: (id, sender) in order.
using connection_log = std::vector<std::pair<std::int64_t, std::int64_t>>;

struct churn_world {
  running_node node;
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  std::vector<logged_in_user> from;
  std::vector<std::vector<std::int64_t>> acked{senders};
  std::atomic<int> senders_running{senders};
  std::mutex failures_mutex;
  std::vector<std::string> failures;

  churn_world() {
    for (int i = 0; i < senders; ++i)
      from.push_back(register_and_login(
          node.port(), "sender" + std::to_string(i), "password-of-sender"));
  }

  void fail(const std::string& why) {
    std::lock_guard<std::mutex> guard{failures_mutex};
    failures.push_back(why);
  }

  void send_all(int sender) {
    try {
      auto ws = connect_with_header(node, from[sender]);
      for (int sent = 0; sent < messages_per_sender; sent += send_window) {
        for (int i = 0; i < send_window; ++i)
          ws->send_text(private_message(bob.id, "churn " + std::to_string(i)));
        for (int i = 0; i < send_window; ++i)
          acked[sender].push_back(id_of(expect_next(*ws, "message_sent")));
      }
    } catch (const std::exception& e) {
      fail(std::string{"sender: "} + e.what());
    }
    --senders_running;
  }

  std::set<std::int64_t> all_acked() const {
    std::set<std::int64_t> all;
    for (const auto& ids : acked)
      all.insert(ids.begin(), ids.end());
    return all;
  }
};

/// Reads frames into `log` until `until`; acks every ack_every messages
/// when `acking`. False once the node ended the connection.
bool read_for(raw_ws_connection& ws, connection_log& log, bool acking,
              std::chrono::steady_clock::time_point until) {
  while (std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto frame = ws.read_frame(std::max(left, 1ms));
    if (!frame) return true; // nothing more within the time
    if (frame->opcode == 8) return false;
    if (frame->opcode != 1) continue;
    auto doc = parse_json(frame->payload);
    if (type_of(doc) != "incoming_message") continue;
    log.emplace_back(id_of(doc), doc["sender_id"].GetInt64());
    if (acking && log.size() % ack_every == 0)
      ws.send_frame(1, R"({"type":"ack","up_to_id":)" +
                           std::to_string(log.back().first) + "}");
  }
  return true;
}

/// Reads everything the node still writes until it ends the connection.
void read_to_end(raw_ws_connection& ws, connection_log& log) {
  while (auto frame = ws.read_frame(frame_timeout)) {
    if (frame->opcode == 8) return;
    if (frame->opcode != 1) continue;
    auto doc = parse_json(frame->payload);
    if (type_of(doc) == "incoming_message")
      log.emplace_back(id_of(doc), doc["sender_id"].GetInt64());
  }
}

/// One device: connections of 20-300 ms until the senders are done. An
/// acking device leaves abruptly or cleanly; it may drop unread frames,
/// since what it did not ack comes again. A plain device never drops what
/// the node wrote: it ends with a close frame or a half-close and reads on
/// until the node has ended the connection.
std::vector<connection_log> churn(churn_world& w, int device, bool acking) {
  std::mt19937 random{static_cast<unsigned>(device * 7919 + acking)};
  std::uniform_int_distribution<int> lifetime_ms{20, 300};
  std::bernoulli_distribution clean{0.5};
  auto query = acking ? "acks=1&device=d" + std::to_string(device) : "";
  std::vector<connection_log> logs;
  try {
    while (w.senders_running > 0) {
      raw_ws_connection ws{w.node.port(), w.bob.token, query};
      logs.emplace_back();
      auto until = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(lifetime_ms(random));
      if (!read_for(ws, logs.back(), acking, until)) continue;
      if (clean(random)) {
        ws.send_frame(8, std::string("\x03\xe8", 2)); // 1000, normal
        read_to_end(ws, logs.back());
      } else if (!acking) {
        ws.shutdown_write();
        read_to_end(ws, logs.back());
      } // an acking device just goes: the destructor closes the socket
    }
  } catch (const std::exception& e) {
    w.fail("device " + std::to_string(device) + ": " + e.what());
  }
  return logs;
}

/// One last connection that reads until `missing` is empty (or the node
/// goes quiet for long); acks as it goes when `acking`.
connection_log final_connection(churn_world& w, const std::string& query,
                                std::set<std::int64_t> missing, bool acking) {
  raw_ws_connection ws{w.node.port(), w.bob.token, query};
  connection_log log;
  while (!missing.empty()) {
    auto frame = ws.read_frame(frame_timeout);
    if (!frame || frame->opcode == 8) break;
    if (frame->opcode != 1) continue;
    auto doc = parse_json(frame->payload);
    if (type_of(doc) != "incoming_message") continue;
    log.emplace_back(id_of(doc), doc["sender_id"].GetInt64());
    missing.erase(log.back().first);
    if (acking && log.size() % ack_every == 0)
      ws.send_frame(1, R"({"type":"ack","up_to_id":)" +
                           std::to_string(log.back().first) + "}");
  }
  return log;
}

/// No id twice on one connection, and ids ascending (so per sender too).
void check_connection(const connection_log& log, const std::string& who) {
  std::int64_t previous = 0;
  for (const auto& [id, sender] : log) {
    INFO(who << ": id " << id << " after " << previous);
    CHECK(id > previous);
    previous = id;
  }
}

/// Connects each acking device once before any message is sent: a device
/// seen for the first time starts where the user's least advanced device
/// stands, and these three are meant to want everything.
void introduce_devices(churn_world& w) {
  db_rows rows{w.node.db_url()};
  for (int d = 0; d < devices; ++d) {
    auto name = "d" + std::to_string(d);
    raw_ws_connection ws{w.node.port(), w.bob.token, "acks=1&device=" + name};
    auto deadline = std::chrono::steady_clock::now() + frame_timeout;
    while (!rows.delivered_through(w.bob.id, name) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms); // polling a table for the row
    REQUIRE(rows.delivered_through(w.bob.id, name).has_value());
  }
}

void run_churn(bool acking) {
  churn_world w;
  if (acking) introduce_devices(w);
  std::vector<std::thread> threads;
  std::vector<std::vector<connection_log>> logs(devices);
  for (int d = 0; d < devices; ++d)
    threads.emplace_back([&, d] { logs[d] = churn(w, d, acking); });
  for (int s = 0; s < senders; ++s)
    threads.emplace_back([&, s] { w.send_all(s); });
  for (auto& thread : threads)
    thread.join();
  for (const auto& failure : w.failures)
    FAIL_CHECK(failure);
  auto all = w.all_acked();
  REQUIRE(all.size() == senders * messages_per_sender);
  std::size_t connections = 0;
  std::set<std::int64_t> seen_by_user;
  for (int d = 0; d < devices; ++d) {
    std::set<std::int64_t> seen;
    for (std::size_t c = 0; c < logs[d].size(); ++c) {
      check_connection(logs[d][c], "device " + std::to_string(d) +
                                       " connection " + std::to_string(c));
      for (const auto& entry : logs[d][c])
        seen.insert(entry.first);
    }
    connections += logs[d].size();
    seen_by_user.insert(seen.begin(), seen.end());
    if (!acking) continue;
    // An acking device gets, on its next connection, whatever it lacks.
    std::set<std::int64_t> missing;
    std::set_difference(all.begin(), all.end(), seen.begin(), seen.end(),
                        std::inserter(missing, missing.end()));
    auto last = final_connection(w, "acks=1&device=d" + std::to_string(d),
                                 missing, true);
    check_connection(last, "device " + std::to_string(d) + " last");
    for (const auto& entry : last)
      seen.insert(entry.first);
    CHECK_MESSAGE(
        std::includes(seen.begin(), seen.end(), all.begin(), all.end()),
        "device " << d << " lacks messages after its last push");
  }
  MESSAGE(connections << " connections of " << devices << " devices");
  CHECK(connections > devices);
  if (acking) return;
  std::set<std::int64_t> missing;
  std::set_difference(all.begin(), all.end(), seen_by_user.begin(),
                      seen_by_user.end(),
                      std::inserter(missing, missing.end()));
  auto last = final_connection(w, "", missing, false);
  check_connection(last, "last plain connection");
  for (const auto& entry : last)
    seen_by_user.insert(entry.first);
  CHECK_MESSAGE(std::includes(seen_by_user.begin(), seen_by_user.end(),
                              all.begin(), all.end()),
                "plain connections and the last push lack messages");
}

} // namespace

TEST_CASE("three acking devices churning while two senders send 2,000 "
          "messages each end up with every message, none twice on one "
          "connection") {
  run_churn(true);
}

TEST_CASE("three plain devices churning while two senders send 2,000 "
          "messages: together with the last push they saw every message") {
  run_churn(false);
}
