// open_store: from a database URL to a connected, migrated store.
#include <variant>

#include "persistence/database_url.hpp"
#include "persistence/postgresql/postgresql_store.hpp"
#include "persistence/sqlite/sqlite_store.hpp"
#include "persistence/store.hpp"

namespace parley::persistence {

caf::expected<std::unique_ptr<store>> open_store(const std::string& url) {
  auto location = parse_database_url(url);
  if (!location) return std::move(location.error());
  if (auto sqlite = std::get_if<sqlite_location>(&*location))
    return open_sqlite_store(*sqlite);
  return open_postgresql_store(std::get<postgresql_location>(*location));
}

} // namespace parley::persistence
