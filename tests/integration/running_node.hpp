// The integration fixture: a real node on a fresh database of the backend
// under test (PARLEY_TEST_BACKEND), with the fixed token key.
#pragma once

#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/token_key_file.hpp"

namespace parley::testing {

/// A started node and everything it was started with. Members are
/// destroyed in reverse order: the node stops before its files go.
class running_node {
public:
  /// Starts the node with --db, --token-key-file and `extra_args`.
  explicit running_node(std::vector<std::string> extra_args = {});

  /// The port the node listens on (127.0.0.1).
  unsigned short port() const { return node_.port(); }

  /// The database URL the node was given.
  std::string db_url() const { return database_.url(); }

  /// The node's database, for tests that break its connections.
  test_database& database() { return database_; }

  /// The token key file the node was given.
  const token_key_file& key() const { return key_; }

  /// The process, for signals and its output.
  node_process& process() { return node_; }

  /// GET `target` on this node.
  http_response get(const std::string& target,
                    const header_list& headers = {}) const;

  /// POST `body` to `target` on this node.
  http_response post(const std::string& target, const std::string& body,
                     const header_list& headers = {}) const;

private:
  test_database database_;
  token_key_file key_;
  node_process node_;
};

} // namespace parley::testing
