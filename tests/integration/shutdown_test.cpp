// Graceful shutdown under load: SIGTERM or SIGINT while clients pipeline
// messages. The node exits 0 within seconds, closes every connection with
// 1001, and every acknowledged message is in the database exactly once, as
// a second node started on the same database shows.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/chat_pair.hpp"
#include "tests/support/json_body.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

using namespace parley::testing;
using namespace std::chrono_literals;

namespace {

/// The README's promise is "exits 0"; a few seconds is generous for that.
constexpr auto exit_timeout = 10s;

/// How long a connection may stay silent before its reader gives up.
constexpr auto silence_timeout = 10s;

/// The sender drains its connection fully after this many frames, so that
/// the node's bounded outbound queue for it never overflows.
constexpr std::size_t drain_every_frames = 16;

/// A database and key that outlive node processes, so that a second node
/// can be started on what the first one left behind.
struct restartable_node {
  test_database database;
  token_key_file key;
  std::unique_ptr<node_process> process;

  void start() {
    process = std::make_unique<node_process>(std::vector<std::string>{
        "--db", database.url(), "--token-key-file", key.path()});
  }
  unsigned short port() const { return process->port(); }
};

/// Counts acknowledgements across sender threads; the test thread waits on
/// it before it signals the node.
class ack_counter {
public:
  void add() {
    std::lock_guard<std::mutex> guard{mutex_};
    ++count_;
    changed_.notify_all();
  }
  bool wait_for(std::size_t at_least, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return count_ >= at_least; });
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t count_ = 0;
};

/// What one connection saw; written by its thread, read after join.
struct connection_log {
  std::map<std::string, std::int64_t> acked; ///< client_msg_id → message id
  std::atomic<std::size_t> sent{0};
  std::size_t received = 0; ///< frames of any type
  std::size_t incoming = 0;
  std::optional<int> close_code; ///< nullopt: still open after the timeout
  std::vector<std::string> unexpected; ///< frames no test expects
};

/// Handles one received frame; false once the connection has ended.
bool take(ws_client& ws, std::chrono::milliseconds timeout, connection_log& log,
          ack_counter& acks) {
  std::optional<std::string> text;
  try {
    text = ws.read_text(timeout);
  } catch (const std::runtime_error&) {
    log.close_code = ws.expect_close(0ms);
    return false;
  }
  if (!text) return true;
  ++log.received;
  auto frame = parse_json(*text);
  auto type = string_member(frame, "type").value_or("");
  if (type == "message_sent") {
    log.acked[string_member(frame, "client_msg_id").value_or("")] =
        int_member(frame, "id").value_or(0);
    acks.add();
  } else if (type == "incoming_message") {
    ++log.incoming;
  } else if (type != "outgoing_message") {
    log.unexpected.push_back(*text);
  }
  return true;
}

/// Reads until the connection ends or stays silent for silence_timeout.
void read_to_end(ws_client& ws, connection_log& log, ack_counter& acks) {
  for (;;) {
    auto before = log.received;
    if (!take(ws, silence_timeout, log, acks)) return;
    if (log.received == before) return; // silent: close_code stays unset
  }
}

/// Pipelines up to `frames` messages to `recipient` with client_msg_ids
/// `prefix`0, `prefix`1, ... (also their content), reading acknowledgements
/// in between, until the node closes the connection; then reads to the end.
void pipeline(ws_client& ws, std::int64_t recipient, const std::string& prefix,
              std::size_t frames, connection_log& log, ack_counter& acks) {
  for (std::size_t i = 0; i < frames; ++i) {
    auto id = prefix + std::to_string(i);
    try {
      ws.send_text(message_frame(recipient, id, id));
    } catch (const std::runtime_error&) {
      break; // the node closed the connection
    }
    ++log.sent;
    // A zero timeout hands out what the send already read; a full drain
    // now and then keeps up with the node.
    auto open = take(ws, 0ms, log, acks);
    while (open && (i + 1) % drain_every_frames == 0) {
      auto before = log.received;
      open = take(ws, 1ms, log, acks);
      if (log.received == before) break;
    }
    if (!open) return;
  }
  read_to_end(ws, log, acks);
}

/// Runs `body` on a connection thread; an exception (a frame that is not
/// JSON, a failed read) is recorded instead of ending the process.
template <class Body>
void guarded(connection_log& log, Body body) {
  try {
    body();
  } catch (const std::exception& ex) {
    log.unexpected.push_back(std::string{"exception: "} + ex.what());
  }
}

/// Checks the close a connection saw: 1001, or the bare end of the TCP
/// connection (1006) when the close frame raced with the client's writes.
void check_going_away(const connection_log& log, const std::string& who) {
  CAPTURE(who);
  REQUIRE(log.close_code.has_value());
  CHECK((*log.close_code == 1001 || *log.close_code == 1006));
  CHECK(log.unexpected.empty());
  for (const auto& frame : log.unexpected)
    MESSAGE("unexpected frame: " << frame);
}

/// What a load run saw, for checking after the node is gone.
struct load_result {
  bool enough_acks = false;     ///< acks_before_signal arrived in time
  std::optional<int> exit_code; ///< nullopt: still running after timeout
  std::string node_stderr;
  std::vector<std::unique_ptr<connection_log>> senders;
  connection_log receiver; ///< bob, who only reads
};

/// Alice pipelines to bob over `senders` connections while bob reads; once
/// `acks_before_signal` acks arrived, the node gets `signal`. Returns after
/// the node exited (or exit_timeout passed) and every connection ended.
void signal_under_load(restartable_node& node, const logged_in_user& alice,
                       const logged_in_user& bob, int signal,
                       std::size_t senders, std::size_t frames_per_sender,
                       std::size_t acks_before_signal, load_result& result) {
  auto open = [&](const logged_in_user& user) {
    return ws_client::open("127.0.0.1", node.port(), "/ws", bearer(user.token));
  };
  std::vector<std::unique_ptr<ws_client>> sender_ws;
  for (std::size_t i = 0; i < senders; ++i) {
    sender_ws.push_back(open(alice));
    result.senders.push_back(std::make_unique<connection_log>());
  }
  auto bob_ws = open(bob);
  ack_counter acks;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < senders; ++i)
    threads.emplace_back([&, i] {
      auto& log = *result.senders[i];
      guarded(log, [&] {
        pipeline(*sender_ws[i], bob.id, "c" + std::to_string(i) + "-",
                 frames_per_sender, log, acks);
      });
    });
  threads.emplace_back([&] {
    guarded(result.receiver,
            [&] { read_to_end(*bob_ws, result.receiver, acks); });
  });
  result.enough_acks = acks.wait_for(acks_before_signal, 20s);
  node.process->send_signal(signal);
  result.exit_code = node.process->wait_exit(exit_timeout);
  for (auto& thread : threads)
    thread.join();
  result.node_stderr = node.process->stderr_text();
}

/// Checks, on a second node started on the same database, that every
/// acknowledged message is stored under its acknowledged id and that no
/// message is stored twice (each content is a distinct client_msg_id).
/// Returns the stored ids by client_msg_id.
std::map<std::string, std::int64_t>
check_stored_once(restartable_node& node, const logged_in_user& alice,
                  const logged_in_user& bob,
                  const std::map<std::string, std::int64_t>& acked) {
  node.start();
  auto stored = full_history(node.port(), alice.token, bob.id);
  INFO(acked.size() << " acknowledged, " << stored.size() << " stored");
  std::map<std::string, std::int64_t> stored_ids;
  std::set<std::int64_t> ids;
  for (const auto& message : stored) {
    CHECK(stored_ids.count(message.content) == 0); // stored twice
    stored_ids[message.content] = message.id;
    ids.insert(message.id);
  }
  CHECK(ids.size() == stored.size());
  for (const auto& [client_msg_id, id] : acked) {
    CAPTURE(client_msg_id);
    REQUIRE(stored_ids.count(client_msg_id) == 1);
    CHECK(stored_ids.at(client_msg_id) == id);
  }
  return stored_ids;
}

/// What a client does after a lost ack: on the restarted node it resends
/// every frame it never saw acknowledged (and a few it did). Stored ones
/// must come back with their original id, the rest are stored now, and in
/// the end every frame ever sent is stored exactly once.
void check_resend_after_restart(
    restartable_node& node, const logged_in_user& alice,
    const logged_in_user& bob, const load_result& result,
    const std::map<std::string, std::int64_t>& stored_ids) {
  std::vector<std::string> resend;
  for (std::size_t i = 0; i < result.senders.size(); ++i) {
    const auto& log = *result.senders[i];
    for (std::size_t k = 0; k < log.sent; ++k) {
      auto id = "c" + std::to_string(i) + "-" + std::to_string(k);
      if (log.acked.count(id) == 0 || k < 10) resend.push_back(id);
    }
  }
  auto ws =
      ws_client::open("127.0.0.1", node.port(), "/ws", bearer(alice.token));
  for (const auto& id : resend)
    ws->send_text(message_frame(bob.id, id, id));
  std::set<std::int64_t> new_ids;
  for (std::size_t n = 0; n < resend.size(); ++n) {
    auto ack = ws->read_json(expected_frame_timeout);
    REQUIRE(ack);
    REQUIRE(string_member(*ack, "type") == "message_sent");
    auto id = string_member(*ack, "client_msg_id").value_or("");
    auto stored = stored_ids.find(id);
    CAPTURE(id);
    if (stored != stored_ids.end())
      CHECK(int_member(*ack, "id") == stored->second);
    else
      new_ids.insert(int_member(*ack, "id").value_or(0));
  }
  auto stored = full_history(node.port(), alice.token, bob.id);
  std::set<std::string> contents;
  for (const auto& message : stored)
    contents.insert(message.content);
  CHECK(contents.size() == stored.size());
  CHECK(stored.size() == stored_ids.size() + new_ids.size());
  std::size_t sent = 0;
  for (const auto& log : result.senders)
    sent += log->sent;
  CHECK(stored.size() == sent);
}

/// The whole scenario: load, signal, exit 0, 1001 closes, stored once.
void check_graceful_stop(int signal, std::size_t senders,
                         std::size_t frames_per_sender,
                         std::size_t acks_before_signal) {
  restartable_node node;
  node.start();
  auto alice = register_and_login(node.port(), "alice", "password1");
  auto bob = register_and_login(node.port(), "bob", "password2");
  load_result result;
  signal_under_load(node, alice, bob, signal, senders, frames_per_sender,
                    acks_before_signal, result);
  INFO("node stderr: " << result.node_stderr);
  REQUIRE(result.enough_acks);
  CHECK(result.exit_code == 0);
  std::map<std::string, std::int64_t> acked;
  for (std::size_t i = 0; i < senders; ++i) {
    check_going_away(*result.senders[i], "sender " + std::to_string(i));
    acked.insert(result.senders[i]->acked.begin(),
                 result.senders[i]->acked.end());
  }
  check_going_away(result.receiver, "bob");
  // bob only reads, so his close cannot race with his own writes.
  CHECK(result.receiver.close_code == 1001);
  CHECK(acked.size() >= acks_before_signal);
  auto stored_ids = check_stored_once(node, alice, bob, acked);
  check_resend_after_restart(node, alice, bob, result, stored_ids);
}

} // namespace

TEST_CASE("SIGTERM under load closes with 1001, exits 0 and keeps every "
          "acknowledged message exactly once") {
  check_graceful_stop(SIGTERM, 2, 3000, 1000);
}

TEST_CASE("SIGINT under load closes with 1001, exits 0 and keeps every "
          "acknowledged message exactly once") {
  check_graceful_stop(SIGINT, 1, 1000, 300);
}

TEST_CASE("SIGTERM with idle connections closes each with 1001 and exits 0 "
          "promptly") {
  restartable_node node;
  node.start();
  auto alice = register_and_login(node.port(), "alice", "password1");
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 3; ++i)
    clients.push_back(
        ws_client::open("127.0.0.1", node.port(), "/ws", bearer(alice.token)));
  // A round trip proves every session has joined before the signal.
  for (auto& client : clients) {
    client->send_text(R"({"type":"sync","after_id":0})");
    REQUIRE(client->read_until(json_type_is("sync_complete"),
                               expected_frame_timeout));
  }
  node.process->send_signal(SIGTERM);
  for (auto& client : clients)
    CHECK(client->expect_close(expected_frame_timeout) == 1001);
  auto started = std::chrono::steady_clock::now();
  CHECK(node.process->wait_exit(exit_timeout) == 0);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(node.process->stderr_text().find("still running") == std::string::npos);
}

TEST_CASE("a delivery before SIGTERM is not pushed again after a restart") {
  // Delivery marks wait up to a second in the writer; shutdown writes them.
  restartable_node node;
  node.start();
  auto alice = register_and_login(node.port(), "alice", "password1");
  auto bob = register_and_login(node.port(), "bob", "password2");
  auto bob_ws =
      ws_client::open("127.0.0.1", node.port(), "/ws", bearer(bob.token));
  await_live(*bob_ws, 0);
  {
    auto alice_ws =
        ws_client::open("127.0.0.1", node.port(), "/ws", bearer(alice.token));
    auto id = send_and_ack(*alice_ws, bob.id, "received live");
    expect_next(*bob_ws, "incoming_message", id);
  }
  node.process->send_signal(SIGTERM);
  CHECK(bob_ws->expect_close(expected_frame_timeout) == 1001);
  REQUIRE(node.process->wait_exit(exit_timeout) == 0);

  node.start();
  auto again =
      ws_client::open("127.0.0.1", node.port(), "/ws", bearer(bob.token));
  auto alice_ws =
      ws_client::open("127.0.0.1", node.port(), "/ws", bearer(alice.token));
  auto marker = send_and_ack(*alice_ws, bob.id, "only this");
  expect_next(*again, "incoming_message", marker);
}

TEST_CASE("SIGTERM while registrations wait for hashing exits 0 within "
          "seconds") {
  // Each registration holds an argon2id worker for ~0.1 s; with 16 at once
  // most of them wait in the hashing queue when the signal comes.
  constexpr int registrations = 16;
  restartable_node node;
  node.start();
  ack_counter answered;
  std::vector<std::thread> clients;
  for (int i = 0; i < registrations; ++i)
    clients.emplace_back([&, i] {
      try {
        http_request("127.0.0.1", node.port(), "POST", "/users",
                     json_object({{"username", "user" + std::to_string(i)},
                                  {"password", "password1"}}));
      } catch (const std::runtime_error&) {
        // The node may close the connection instead of answering.
      }
      answered.add();
    });
  REQUIRE(answered.wait_for(1, 10s));
  node.process->send_signal(SIGTERM);
  auto signalled = std::chrono::steady_clock::now();
  auto exit_code = node.process->wait_exit(exit_timeout);
  auto stop_time = std::chrono::steady_clock::now() - signalled;
  for (auto& client : clients)
    client.join();
  INFO("stopped in " << std::chrono::duration_cast<std::chrono::milliseconds>(
                            stop_time)
                            .count()
                     << " ms; stderr: " << node.process->stderr_text());
  CHECK(exit_code == 0);
  CHECK(stop_time < 5s);
}
