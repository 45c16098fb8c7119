// A fresh, empty database for one test, on the backend PARLEY_TEST_BACKEND
// names: a file in a temporary directory (sqlite) or a database created on
// the server PARLEY_TEST_POSTGRES names (postgresql).
#pragma once

#include <optional>
#include <string>

#include "tests/support/temp_dir.hpp"

struct pg_conn;

namespace parley::testing {

/// The backend under test: "sqlite" (the default) or "postgresql".
std::string test_backend();

/// Owns one throwaway database for its lifetime. Throws std::runtime_error
/// with a clear message when it cannot be made, including when
/// PARLEY_TEST_POSTGRES is missing for postgresql: never a silent skip.
class test_database {
public:
  /// Creates the database on the backend test_backend() names.
  test_database();

  /// Removes the directory or drops the database (WITH (FORCE)).
  ~test_database();

  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  /// The URL to pass to open_store.
  const std::string& url() const { return url_; }

  /// Closes every server connection to the database, as a server restart
  /// would (postgresql only; throws for sqlite, which has no server).
  void drop_connections();

  /// Makes the server refuse (or accept again) every new connection to the
  /// database, superusers' included, as if it were away; with
  /// drop_connections, an outage that lasts until accept_connections
  /// (postgresql only).
  void refuse_connections();
  void accept_connections();

private:
  std::string url_;
  std::optional<temp_dir> directory_; ///< sqlite only
  std::string name_;                  ///< postgresql: the database name
  pg_conn* server_ = nullptr;         ///< postgresql: the admin connection
};

} // namespace parley::testing
