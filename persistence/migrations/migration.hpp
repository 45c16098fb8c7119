// Numbered schema migrations and the runner that applies them at open.
#pragma once

#include <vector>

namespace soci {
class session;
} // namespace soci

namespace parley::persistence {

/// One step of a backend's schema history; never edited once released.
struct migration {
  int version = 0;       ///< 1, 2, 3, ... in the order of application
  const char* name = ""; ///< what the step does, recorded with it
  /// Scripts run in order; statements separated by ';' (none inside).
  std::vector<const char*> scripts;
};

/// Steps whose SQL is the same on both backends.
extern const char* const version_1_message_indexes;    ///< part of version 1
extern const char* const version_2_delivery_watermark; ///< all of version 2
extern const char* const device_cursors;       ///< per-device delivery cursors
extern const char* const conversation_cursors; ///< delivered/read receipts

/// A backend's schema history and how it takes the migration lock.
struct migration_plan {
  /// Statements that open a transaction holding a lock that excludes every
  /// other migrating connection (several nodes may start at once).
  std::vector<const char*> begin_exclusive;
  /// The steps, by ascending version starting at 1.
  std::vector<migration> steps;
};

/// Applies the steps not yet recorded in `schema_migrations`, all in one
/// transaction; safe to run at every start. Throws on failure (soci_error,
/// or std::runtime_error when the database is newer than this build).
void apply_migrations(soci::session& sql, const migration_plan& plan);

} // namespace parley::persistence
