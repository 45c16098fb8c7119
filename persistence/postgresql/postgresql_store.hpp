// The PostgreSQL backend: one libpq connection through SOCI.
#pragma once

#include <libpq-fe.h>
#include <memory>
#include <string>
#include <vector>

#include "persistence/database_url.hpp"
#include "persistence/soci_store.hpp"

namespace parley::persistence {

/// A connection to a PostgreSQL database.
class postgresql_store : public soci_store {
public:
  /// Connects to `where`; throws when that fails.
  explicit postgresql_store(const postgresql_location& where);

  caf::error enter_cluster(const std::string& node) override;

protected:
  void write(const write_batch& batch, const std::vector<std::size_t>& rows,
             std::vector<insert_outcome>& outcomes) override;
  std::string in_id_list(const std::string& column) const override;
  std::string username_prefix_match() const override;
  error_code code_for(const std::exception& e) const override;

private:
  void write_in_cluster(PGconn* connection, const write_batch& batch,
                        const std::vector<std::size_t>& rows,
                        std::vector<insert_outcome>& outcomes);

  std::string cluster_node_; ///< empty: a single node
};

/// Connects to the database and migrates it.
caf::expected<std::unique_ptr<store>>
open_postgresql_store(const postgresql_location& where);

} // namespace parley::persistence
