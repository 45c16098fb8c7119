// The SQLite backend: connection set-up and which errors are transient.
#include "persistence/sqlite/sqlite_store.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include <soci/sqlite3/soci-sqlite3.h>

#include "persistence/migrations/sqlite_migrations.hpp"

namespace parley::persistence {

namespace {

// The writer and the reader share the file; a connection that finds it
// locked waits this long before the call fails as unavailable.
constexpr int busy_timeout_ms = 5000;

constexpr int page_size_bytes = 1024;

// Each commit touches a leaf of every message index for every sender and
// recipient in the batch; with SQLite's default 2 MiB page cache those
// leaves for a thousand active users no longer fit, and the writer read
// about 20 pages from disk per message stored (bench/README.md, "What
// acks cost"). Per connection; the cache fills only as pages are used.
constexpr int cache_kib = 64 * 1024;

// A checkpoint copies the newest copy of every page in the WAL into the
// database file. The default (1000 pages, 1 MiB here) ran one after almost
// every batch, copying the same hot index leaves again each time; at 16 MiB
// a hot leaf is copied once for many commits.
constexpr int checkpoint_pages = 16384;

/// Sets WAL mode and answers the mode now in force. Switching a file's
/// journal mode needs a lock that SQLite does not wait for through the
/// busy timeout: stores opened at once on a new file (a node's writer and
/// reader, nodes started together) could fail here with "database is
/// locked" (measured: 4 in 60 runs of the test that opens four at once).
std::string enter_wal_mode(soci::session& sql) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(busy_timeout_ms);
  for (;;) {
    try {
      std::string journal_mode;
      sql << "PRAGMA journal_mode = WAL", soci::into(journal_mode);
      return journal_mode;
    } catch (const soci::sqlite3_soci_error& e) {
      auto primary = e.result() & 0xff;
      if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() >= deadline)
        throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace

sqlite_store::sqlite_store(const std::string& path)
    : soci_store(soci::sqlite3, "db=\"" + path + "\"", "sqlite:" + path) {
  auto& sql = session();
  sql << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms);
  // Small pages for a new file (an existing one keeps its size): a commit
  // writes every page it dirtied to the WAL, and each message dirties a
  // leaf of four indexes at scattered places. With 1 KiB pages the writer
  // moved ~30% more messages per second than with the default 4 KiB
  // (bench/README.md).
  sql << "PRAGMA page_size = " + std::to_string(page_size_bytes);
  // WAL lets the reader work while the writer commits. It is a property of
  // the file, so the second connection finds it already set.
  auto journal_mode = enter_wal_mode(sql);
  if (journal_mode != "wal")
    throw std::runtime_error("SQLite refused WAL mode (journal_mode is " +
                             journal_mode + ")");
  // FULL syncs the WAL at every commit: an acknowledged message survives a
  // power cut, not only a crash of this process.
  sql << "PRAGMA synchronous = FULL";
  // Off by default in SQLite, per connection.
  sql << "PRAGMA foreign_keys = ON";
  // Negative: KiB rather than pages.
  sql << "PRAGMA cache_size = -" + std::to_string(cache_kib);
  sql << "PRAGMA wal_autocheckpoint = " + std::to_string(checkpoint_pages);
}

std::string sqlite_store::in_id_list(const std::string& column) const {
  return column + " IN (SELECT value FROM json_each(:ids))";
}

// SQLite's LIKE ignores ASCII case by itself and, with ESCAPE, can still
// read the users_username_nocase index (migration 6).
std::string sqlite_store::username_prefix_match() const {
  return "username LIKE :pattern ESCAPE '\\'";
}

error_code sqlite_store::code_for(const std::exception& e) const {
  auto error = dynamic_cast<const soci::sqlite3_soci_error*>(&e);
  if (error == nullptr) return error_code::internal;
  // Extended result codes keep the primary code in the low byte.
  switch (error->result() & 0xff) {
  case SQLITE_BUSY:     // still locked after busy_timeout_ms
  case SQLITE_LOCKED:   // conflict within a shared cache
  case SQLITE_IOERR:    // the disk failed this time
  case SQLITE_FULL:     // the disk is full
  case SQLITE_CANTOPEN: // the file or its directory went away
    return error_code::unavailable;
  default:
    return error_code::internal;
  }
}

caf::expected<std::unique_ptr<store>>
open_sqlite_store(const sqlite_location& where) {
  auto target = "sqlite:" + where.path;
  auto parent = std::filesystem::path{where.path}.parent_path();
  std::error_code failed;
  if (!parent.empty()) std::filesystem::create_directories(parent, failed);
  if (failed)
    return make_error(error_code::unavailable,
                      "cannot create directory " + parent.string() + " for " +
                          target + ": " + failed.message());
  return open_soci_store<sqlite_store>(target, sqlite_migrations(), where.path);
}

} // namespace parley::persistence
