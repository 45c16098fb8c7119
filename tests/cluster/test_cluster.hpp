// A cluster of real parley processes on one throwaway PostgreSQL database,
// with one token key, each node linked to the others over CAF on loopback.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/accounts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::testing {

/// How long nodes may take to find each other (a beat of the members table
/// is 1 s) or to notice that one is gone (link timeout 4 s).
constexpr std::chrono::seconds membership_timeout{20};

/// How long a test waits for one expected frame.
constexpr std::chrono::seconds cluster_frame_timeout{15};

class test_cluster {
public:
  /// Starts `nodes` nodes named node0, node1, ... and waits until each
  /// lists all of them on /readyz.
  explicit test_cluster(std::size_t nodes,
                        std::vector<std::string> extra_args = {});

  /// Node i's process (nullptr-safe: throws when it was never started).
  node_process& node(std::size_t i);

  /// Node i's public port.
  unsigned short port(std::size_t i) { return node(i).port(); }

  /// Node i's admin listener as HOST:PORT (a Prometheus scrape target);
  /// throws when it has none.
  std::string admin_target(std::size_t i);

  /// The database every node shares.
  const std::string& db_url() const { return database_.url(); }

  /// That database's server side, to cut the nodes off from it.
  test_database& database() { return database_; }

  /// The flags node `name` is started with.
  std::vector<std::string> node_args(const std::string& name) const;

  /// Starts one more node (named node<N>); returns its index.
  std::size_t add_node();

  /// What every node printed so far, for failure messages.
  std::string logs() const;

  /// Starts node i again, under its name, after it exited.
  void restart(std::size_t i);

  /// Kills node i with `signal` and reaps it when the signal ends it.
  void signal(std::size_t i, int signal);

  /// Node i's /readyz members, or nullopt when it does not answer 200.
  std::optional<std::vector<std::string>> members(std::size_t i);

  /// Waits until node i's /readyz lists exactly `expected` (any order);
  /// false when the membership timeout passes first.
  bool wait_for_members(std::size_t i, std::vector<std::string> expected);

  /// A user made through node i.
  logged_in_user make_user(std::size_t i, const std::string& name);

  /// A connection of `user` to node i; `query` follows "/ws".
  std::unique_ptr<ws_client> connect(std::size_t i, const logged_in_user& user,
                                     const std::string& query = {});

private:
  test_database database_;
  token_key_file key_;
  std::vector<std::string> extra_args_;
  std::vector<std::unique_ptr<node_process>> nodes_;
};

/// One message frame as a client saw it.
struct seen_frame {
  std::string type;
  std::int64_t id = 0;
  std::int64_t sender_id = 0;
  std::int64_t recipient_id = 0;
  std::string content;
  std::string client_msg_id;
};

/// The next frame of `client` that carries a message id (incoming_message,
/// outgoing_message, message_sent), skipping others; throws when none comes
/// in time.
seen_frame
next_message_frame(ws_client& client,
                   std::chrono::milliseconds timeout = cluster_frame_timeout);

/// A private_message frame.
std::string send_frame(std::int64_t recipient, const std::string& content,
                       const std::string& client_msg_id = {});

} // namespace parley::testing
