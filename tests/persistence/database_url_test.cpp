// Tests for parse_database_url: what reaches each backend, and what is
// refused with which explanation.
#include <doctest/doctest.h>

#include "persistence/database_url.hpp"
#include "proto/error_code.hpp"

namespace parley::persistence {

namespace {

std::string sqlite_path(const std::string& url) {
  auto parsed = parse_database_url(url);
  REQUIRE(parsed.engaged());
  REQUIRE(std::holds_alternative<sqlite_location>(*parsed));
  return std::get<sqlite_location>(*parsed).path;
}

postgresql_location postgresql(const std::string& url) {
  auto parsed = parse_database_url(url);
  REQUIRE_MESSAGE(parsed.engaged(), message_of(parsed.error()));
  REQUIRE(std::holds_alternative<postgresql_location>(*parsed));
  return std::get<postgresql_location>(*parsed);
}

bool has(const std::string& conninfo, const std::string& pair) {
  return (" " + conninfo + " ").find(" " + pair + " ") != std::string::npos;
}

// The message of a refused URL; fails unless the code is invalid_request.
std::string refusal(const std::string& url) {
  auto parsed = parse_database_url(url);
  REQUIRE_FALSE(parsed.engaged());
  CHECK(code_of(parsed.error()) == error_code::invalid_request);
  auto message = message_of(parsed.error());
  CHECK(message.find("s3cret") == std::string::npos);
  return message;
}

bool mentions(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("an sqlite URL names a relative or absolute path") {
  CHECK(sqlite_path("sqlite:var/parley.db") == "var/parley.db");
  CHECK(sqlite_path("sqlite:/srv/parley/db.sqlite") == "/srv/parley/db.sqlite");
  CHECK(sqlite_path("sqlite:a dir/x=y.db") == "a dir/x=y.db");
}

TEST_CASE("an sqlite URL without a usable path is refused") {
  CHECK(mentions(refusal("sqlite:"), "needs a file path"));
  CHECK(mentions(refusal("sqlite://var/parley.db"), "not sqlite://"));
  CHECK(mentions(refusal("sqlite:a\"b.db"), "must not contain"));
  CHECK(
      mentions(refusal(std::string("sqlite:a\0b.db", 13)), "must not contain"));
}

TEST_CASE("a postgresql URL becomes libpq keywords") {
  auto location = postgresql("postgresql://parley:s3cret@db.local:5433/chat");
  CHECK(has(location.conninfo, "host='db.local'"));
  CHECK(has(location.conninfo, "port='5433'"));
  CHECK(has(location.conninfo, "dbname='chat'"));
  CHECK(has(location.conninfo, "user='parley'"));
  CHECK(has(location.conninfo, "password='s3cret'"));
  CHECK(has(location.conninfo, "connect_timeout='10'"));
  CHECK(location.display == "db.local:5433/chat");
}

TEST_CASE("the postgres scheme and a socket directory are accepted") {
  auto location = postgresql("postgres:///chat?host=/run/pg%20sock&port=6000");
  CHECK(has(location.conninfo, "host='/run/pg sock'"));
  CHECK(has(location.conninfo, "port='6000'"));
  CHECK_FALSE(mentions(location.conninfo, "user="));
  CHECK(location.display == "/run/pg sock:6000/chat");
  CHECK(postgresql("postgresql:///chat").display == "local socket:5432/chat");
}

TEST_CASE("URL parts are percent-decoded and quoted for libpq") {
  auto location =
      postgresql("postgresql://a%40b:it's%20a%5Cpw%40@[::1]:5432/my%20db"
                 "?connect_timeout=3&application_name=node%201");
  CHECK(has(location.conninfo, "user='a@b'"));
  CHECK(has(location.conninfo, R"(password='it\'s a\\pw@')"));
  CHECK(has(location.conninfo, "host='::1'"));
  CHECK(has(location.conninfo, "dbname='my db'"));
  CHECK(has(location.conninfo, "connect_timeout='3'"));
  CHECK(has(location.conninfo, "application_name='node 1'"));
  CHECK(location.display == "[::1]:5432/my db");
}

TEST_CASE("a URL of an unknown kind is refused") {
  CHECK(mentions(refusal(""), "use sqlite:PATH or postgresql://"));
  CHECK(mentions(refusal("mysql://u:s3cret@h/db"), "use sqlite:PATH"));
  CHECK(mentions(refusal("var/parley.db"), "use sqlite:PATH"));
  CHECK(mentions(refusal("POSTGRESQL://h/db"), "use sqlite:PATH"));
}

TEST_CASE("a postgresql URL without a database name is refused") {
  CHECK(mentions(refusal("postgresql://u:s3cret@host"), "name a database"));
  CHECK(mentions(refusal("postgresql://host/"), "name a database"));
  CHECK(mentions(refusal("postgresql://host?host=/tmp"), "name a database"));
  CHECK(mentions(refusal("postgresql://host/db/more"), "must not contain '/'"));
}

TEST_CASE("a postgresql URL with a bad port is refused") {
  for (auto url : {"postgresql://h:0/db", "postgresql://h:65536/db",
                   "postgresql://h:port/db", "postgresql://h:/db",
                   "postgresql://[::1]:/db", "postgresql://h:123456/db",
                   "postgresql:///db?port=x"})
    CHECK_MESSAGE(mentions(refusal(url), "port must be a number"), url);
}

TEST_CASE("a postgresql URL with broken escapes names the part") {
  CHECK(mentions(refusal("postgresql://u:s3cret%zz@h/db"),
                 "password has a broken %-escape"));
  CHECK(mentions(refusal("postgresql://u%0@h/db"), "user name has a broken"));
  CHECK(
      mentions(refusal("postgresql://h/d%00b"), "database name has a broken"));
  CHECK(mentions(refusal("postgresql://h%2/db"), "host has a broken"));
}

TEST_CASE("a postgresql URL with empty or malformed parts is refused") {
  CHECK(mentions(refusal("postgresql://:s3cret@h/db"), "user name is empty"));
  CHECK(mentions(refusal("postgresql://u:@h/db"), "password is empty"));
  CHECK(mentions(refusal("postgresql://[::1/db"), "unclosed '['"));
  CHECK(mentions(refusal("postgresql://[::1]x/db"), "after the IPv6"));
}

TEST_CASE("a postgresql URL with unknown query parameters is refused") {
  CHECK(mentions(refusal("postgresql://h/db?sslmode=require&dbname=x"),
                 "unknown query parameter 'dbname'"));
  CHECK(mentions(refusal("postgresql://h/db?options=-cfoo"),
                 "unknown query parameter 'options'"));
  CHECK(mentions(refusal("postgresql://h/db?s3cret"), "key=value"));
  CHECK(mentions(refusal("postgresql://h/db?host="),
                 "value of query parameter 'host' is empty"));
}

} // namespace parley::persistence
