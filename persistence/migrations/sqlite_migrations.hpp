// The SQLite schema history.
#pragma once

#include "persistence/migrations/migration.hpp"

namespace parley::persistence {

/// SQLite's migrations, taking the write lock with BEGIN IMMEDIATE.
const migration_plan& sqlite_migrations();

} // namespace parley::persistence
