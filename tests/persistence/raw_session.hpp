// A plain SOCI session on a test database, to look behind the store.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "persistence/database_url.hpp"
#include "tests/persistence/store_fixture.hpp"

namespace parley::testing {

inline std::unique_ptr<soci::session> raw_session(const std::string& url) {
  auto location = value_of(persistence::parse_database_url(url));
  if (auto sqlite = std::get_if<persistence::sqlite_location>(&location))
    return std::make_unique<soci::session>(soci::sqlite3,
                                           "db=\"" + sqlite->path + "\"");
  return std::make_unique<soci::session>(
      soci::postgresql,
      std::get<persistence::postgresql_location>(location).conninfo);
}

inline int count_rows(const std::string& url, const std::string& table) {
  int count = 0;
  *raw_session(url) << "SELECT COUNT(*) FROM " + table, soci::into(count);
  return count;
}

inline bool on_postgresql() {
  return test_backend() == "postgresql";
}

} // namespace parley::testing
