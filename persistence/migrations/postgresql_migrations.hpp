// The PostgreSQL schema history.
#pragma once

#include "persistence/migrations/migration.hpp"

namespace parley::persistence {

/// PostgreSQL's migrations, serialized across nodes by an advisory lock.
const migration_plan& postgresql_migrations();

} // namespace parley::persistence
