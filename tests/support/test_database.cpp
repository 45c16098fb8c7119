// Throwaway databases for store tests: temporary SQLite files, or databases
// created and force-dropped on a test PostgreSQL server through libpq.
#include "tests/support/test_database.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <libpq-fe.h>
#include <random>
#include <stdexcept>
#include <stdlib.h>

namespace parley::testing {

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string random_suffix() {
  std::random_device source;
  std::uniform_int_distribution<unsigned long long> pick;
  auto value = pick(source);
  std::string result;
  for (int i = 0; i < 16; ++i, value >>= 4)
    result += "0123456789abcdef"[value & 0xf];
  return result;
}

// The URL of database `name` on the server `server_url` names: the path is
// replaced and the query (?host=/socket/dir) kept.
std::string with_database(const std::string& server_url,
                          const std::string& name) {
  auto scheme_end = server_url.find("://");
  if (scheme_end == std::string::npos)
    throw std::runtime_error("PARLEY_TEST_POSTGRES must be a postgresql:// "
                             "URL");
  auto path_start = server_url.find_first_of("/?", scheme_end + 3);
  if (path_start == std::string::npos) return server_url + "/" + name;
  auto query_start = server_url.find('?', path_start);
  auto query = query_start == std::string::npos
                   ? std::string{}
                   : server_url.substr(query_start);
  return server_url.substr(0, path_start) + "/" + name + query;
}

void execute(pg_conn* server, const std::string& sql) {
  PGresult* result = PQexec(server, sql.c_str());
  auto status = PQresultStatus(result);
  PQclear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("test database: '" + sql +
                             "' failed: " + PQerrorMessage(server));
}

} // namespace

std::string test_backend() {
  auto backend = environment("PARLEY_TEST_BACKEND");
  if (backend.empty() || backend == "sqlite") return "sqlite";
  if (backend == "postgresql") return backend;
  throw std::runtime_error("PARLEY_TEST_BACKEND must be sqlite or postgresql, "
                           "not '" +
                           backend + "'");
}

test_database::test_database() {
  if (test_backend() == "sqlite") {
    directory_.emplace();
    url_ = "sqlite:" + directory_->path() + "/parley.db";
    return;
  }
  auto server_url = environment("PARLEY_TEST_POSTGRES");
  if (server_url.empty())
    throw std::runtime_error(
        "PARLEY_TEST_BACKEND=postgresql needs PARLEY_TEST_POSTGRES, the "
        "postgresql:// URL of a server to create test databases on, e.g. "
        "postgresql://postgres@127.0.0.1:5432/postgres (./dev test starts "
        "one)");
  server_ = PQconnectdb(server_url.c_str());
  try {
    if (PQstatus(server_) != CONNECTION_OK)
      throw std::runtime_error(std::string{"cannot connect to "
                                           "PARLEY_TEST_POSTGRES: "} +
                               PQerrorMessage(server_));
    // Only [a-z0-9_], so it needs no quoting anywhere.
    name_ = "parley_test_" + random_suffix();
    execute(server_, "CREATE DATABASE " + name_);
    url_ = with_database(server_url, name_);
  } catch (...) {
    PQfinish(server_);
    throw;
  }
}

test_database::~test_database() {
  if (server_ != nullptr) {
    try {
      execute(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      // The server is a throwaway too; say so and carry on.
      std::cerr << e.what() << '\n';
    }
    PQfinish(server_);
  }
}

void test_database::drop_connections() {
  if (server_ == nullptr)
    throw std::logic_error("drop_connections needs a PostgreSQL database");
  // The timeout makes the call wait until the sessions have really ended.
  execute(server_, "SELECT pg_terminate_backend(pid, 5000) "
                   "FROM pg_stat_activity WHERE datname = '" +
                       name_ + "' AND pid <> pg_backend_pid()");
}

void test_database::refuse_connections() {
  if (server_ == nullptr)
    throw std::logic_error("refuse_connections needs a PostgreSQL database");
  execute(server_,
          "ALTER DATABASE \"" + name_ + "\" WITH ALLOW_CONNECTIONS false");
}

void test_database::accept_connections() {
  if (server_ == nullptr)
    throw std::logic_error("accept_connections needs a PostgreSQL database");
  execute(server_,
          "ALTER DATABASE \"" + name_ + "\" WITH ALLOW_CONNECTIONS true");
}

} // namespace parley::testing
