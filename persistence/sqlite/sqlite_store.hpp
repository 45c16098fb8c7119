// The SQLite backend: one file in WAL mode shared by a writer and a reader.
#pragma once

#include <memory>
#include <string>

#include "persistence/database_url.hpp"
#include "persistence/soci_store.hpp"

namespace parley::persistence {

/// A connection to an SQLite file, set up for durability and sharing.
class sqlite_store : public soci_store {
public:
  /// Opens (creating) the file at `path`; throws when that fails.
  explicit sqlite_store(const std::string& path);

protected:
  std::string in_id_list(const std::string& column) const override;
  std::string username_prefix_match() const override;
  error_code code_for(const std::exception& e) const override;
};

/// Creates the parent directories of the file, opens and migrates it.
caf::expected<std::unique_ptr<store>>
open_sqlite_store(const sqlite_location& where);

} // namespace parley::persistence
