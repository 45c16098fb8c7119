// Database URLs: `sqlite:PATH` and `postgresql://...`, parsed into what each
// SOCI backend needs to connect.
#pragma once

#include <string>
#include <variant>

#include <caf/expected.hpp>

namespace parley::persistence {

/// An SQLite database file.
struct sqlite_location {
  std::string path; ///< as given: relative to the working directory or absolute
};

/// A PostgreSQL database reached through libpq.
struct postgresql_location {
  std::string conninfo; ///< libpq keyword=value string; may hold a password
  std::string display;  ///< host:port/dbname for messages; never a password
};

/// Where a store's data lives.
using database_location = std::variant<sqlite_location, postgresql_location>;

/// Parses `sqlite:PATH`, `postgresql://user[:password]@host[:port]/dbname`
/// and `postgresql:///dbname?host=/socket/dir` (also `postgres://`).
/// Error invalid_request saying what is wrong; it never repeats a password.
caf::expected<database_location> parse_database_url(const std::string& url);

} // namespace parley::persistence
