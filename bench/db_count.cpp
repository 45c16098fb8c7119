// Counting rows through libpq: one short-lived connection per count, so
// that the database is not touched during the measuring window.
#include "bench/db_count.hpp"

#include <cstdlib>
#include <libpq-fe.h>

namespace parley::bench {

std::optional<std::int64_t> count_messages(const std::string& url,
                                           std::string& error) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::optional<std::int64_t> rows;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = std::string("database: ") + PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, "SELECT count(*) FROM messages");
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
      rows = std::strtoll(PQgetvalue(result, 0, 0), nullptr, 10);
    else
      error = std::string("count(*) FROM messages: ") + PQerrorMessage(conn);
    PQclear(result);
  }
  PQfinish(conn);
  // libpq's messages end with a newline; the report wants one line.
  while (!error.empty() && (error.back() == '\n' || error.back() == ' '))
    error.pop_back();
  return rows;
}

} // namespace parley::bench
