// What every store does unless its backend can do more.
#include "persistence/store.hpp"

#include "proto/error_code.hpp"

namespace parley::persistence {

caf::error store::enter_cluster(const std::string&) {
  return make_error(error_code::invalid_request,
                    "cluster mode needs PostgreSQL; SQLite is single-node");
}

} // namespace parley::persistence
