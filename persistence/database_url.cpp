// Parsing of database URLs into SQLite paths and libpq conninfo strings.
#include "persistence/database_url.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "proto/error_code.hpp"

namespace parley::persistence {

namespace {

using keyword_map = std::map<std::string, std::string>;

constexpr std::string_view sqlite_scheme = "sqlite:";
constexpr std::string_view postgresql_schemes[] = {"postgresql://",
                                                   "postgres://"};

// libpq waits for an unreachable host for as long as TCP does; a store that
// cannot connect must say so in bounded time instead of stalling its actor.
constexpr std::string_view default_connect_timeout_seconds = "10";

// The query parameters passed on to libpq. Anything else is rejected here,
// where the mistake can be named, instead of by libpq at connect time.
constexpr std::string_view query_keywords[] = {
    "host",    "port",        "user",   "password",        "sslmode",
    "sslcert", "sslrootcert", "sslkey", "connect_timeout", "application_name",
};

std::string known_query_keywords() {
  std::string result;
  for (auto keyword : query_keywords)
    result += (result.empty() ? "" : ", ") + std::string{keyword};
  return result;
}

// Messages never repeat parts of the URL that could be a password.
caf::error malformed(const std::string& what) {
  return make_error(error_code::invalid_request,
                    "malformed database URL: " + what);
}

bool starts_with(std::string_view x, std::string_view prefix) {
  return x.substr(0, prefix.size()) == prefix;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; nullopt on a broken escape or an escaped NUL, which
// libpq could only truncate silently.
std::optional<std::string> percent_decode(std::string_view x) {
  std::string result;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] != '%') {
      result += x[i];
      continue;
    }
    int high = i + 2 < x.size() ? hex_value(x[i + 1]) : -1;
    int low = i + 2 < x.size() ? hex_value(x[i + 2]) : -1;
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    result += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return result;
}

// Decodes one URL component into keywords[key]; `what` names it in errors.
caf::error decode_into(keyword_map& keywords, const std::string& key,
                       std::string_view raw, const std::string& what) {
  auto decoded = percent_decode(raw);
  if (!decoded) return malformed("the " + what + " has a broken %-escape");
  if (decoded->empty()) return malformed("the " + what + " is empty");
  keywords[key] = std::move(*decoded);
  return {};
}

bool valid_port(std::string_view x) {
  if (x.empty() || x.size() > 5 || !std::all_of(x.begin(), x.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    return false;
  auto value = std::stoi(std::string{x});
  return value >= 1 && value <= 65535;
}

caf::error parse_host_port(std::string_view x, keyword_map& keywords) {
  std::string_view host = x;
  std::string_view port;
  if (starts_with(x, "[")) {
    // IPv6 literal: the port separator is the colon after the bracket.
    auto close = x.find(']');
    if (close == std::string_view::npos)
      return malformed("the host has an unclosed '['");
    host = x.substr(1, close - 1);
    auto rest = x.substr(close + 1);
    if (!rest.empty() && !starts_with(rest, ":"))
      return malformed("unexpected text after the IPv6 address");
    port = rest.empty() ? rest : rest.substr(1);
    if (rest == ":")
      return malformed("the port must be a number from 1 to 65535");
  } else if (auto colon = x.find(':'); colon != std::string_view::npos) {
    host = x.substr(0, colon);
    port = x.substr(colon + 1);
    if (port.empty())
      return malformed("the port must be a number from 1 to 65535");
  }
  if (!port.empty() && !valid_port(port))
    return malformed("the port must be a number from 1 to 65535");
  if (!port.empty()) keywords["port"] = std::string{port};
  if (host.empty()) return {}; // libpq's default: the local Unix socket
  return decode_into(keywords, "host", host, "host");
}

caf::error parse_authority(std::string_view x, keyword_map& keywords) {
  // A password may hold an unescaped '@'; the host never does.
  auto at = x.rfind('@');
  if (at != std::string_view::npos) {
    auto userinfo = x.substr(0, at);
    auto colon = userinfo.find(':');
    if (auto err = decode_into(keywords, "user", userinfo.substr(0, colon),
                               "user name"))
      return err;
    if (colon != std::string_view::npos)
      if (auto err = decode_into(keywords, "password",
                                 userinfo.substr(colon + 1), "password"))
        return err;
    x = x.substr(at + 1);
  }
  return parse_host_port(x, keywords);
}

caf::error parse_query(std::string_view x, keyword_map& keywords) {
  while (!x.empty()) {
    auto amp = x.find('&');
    auto pair = x.substr(0, amp);
    x = amp == std::string_view::npos ? std::string_view{} : x.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos)
      return malformed("every query parameter must be key=value");
    auto key = std::string{pair.substr(0, eq)};
    auto value = pair.substr(eq + 1);
    if (std::find(std::begin(query_keywords), std::end(query_keywords), key) ==
        std::end(query_keywords))
      return malformed("unknown query parameter '" + key +
                       "'; known: " + known_query_keywords());
    if (key == "port" && !valid_port(value))
      return malformed("the port must be a number from 1 to 65535");
    if (auto err = decode_into(keywords, key, value,
                               "value of query parameter '" + key + "'"))
      return err;
  }
  return {};
}

// Quotes a conninfo value so that spaces, quotes and backslashes survive.
std::string quoted(const std::string& x) {
  std::string result = "'";
  for (char c : x) {
    if (c == '\'' || c == '\\') result += '\\';
    result += c;
  }
  return result + "'";
}

postgresql_location to_location(keyword_map keywords) {
  keywords.emplace("connect_timeout", default_connect_timeout_seconds);
  keywords.emplace("application_name", "parley");
  // Content is UTF-8 end to end; notices ("table exists, skipping") would
  // otherwise go to stderr on every start.
  keywords["client_encoding"] = "UTF8";
  keywords["options"] = "-c client_min_messages=warning";
  postgresql_location result;
  for (const auto& [key, value] : keywords) {
    if (!result.conninfo.empty()) result.conninfo += ' ';
    result.conninfo += key + '=' + quoted(value);
  }
  auto host = keywords.count("host") ? keywords["host"] : "local socket";
  if (host.find(':') != std::string::npos)
    host = '[' + host + ']'; // an IPv6 address
  auto port = keywords.count("port") ? keywords["port"] : "5432";
  result.display = host + ':' + port + '/' + keywords["dbname"];
  return result;
}

caf::expected<database_location> parse_postgresql(std::string_view rest) {
  auto query_start = rest.find('?');
  auto query = query_start == std::string_view::npos
                   ? std::string_view{}
                   : rest.substr(query_start + 1);
  rest = rest.substr(0, query_start);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size())
    return malformed("name a database, as in postgresql://user@host/dbname");
  auto dbname = rest.substr(slash + 1);
  if (dbname.find('/') != std::string_view::npos)
    return malformed("the database name must not contain '/'");
  keyword_map keywords;
  if (auto err = parse_authority(rest.substr(0, slash), keywords)) return err;
  if (auto err = decode_into(keywords, "dbname", dbname, "database name"))
    return err;
  if (auto err = parse_query(query, keywords)) return err;
  return database_location{to_location(std::move(keywords))};
}

caf::expected<database_location> parse_sqlite(std::string_view path) {
  if (starts_with(path, "//"))
    return malformed("write sqlite:PATH (sqlite:var/parley.db or "
                     "sqlite:/srv/parley.db), not sqlite://");
  if (path.empty())
    return malformed("sqlite: needs a file path, as in sqlite:var/parley.db");
  // SOCI reads the path from a connect string in which '"' ends a quoted
  // value, so such a path could not be passed on faithfully.
  if (path.find('"') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos)
    return malformed("the SQLite path must not contain '\"' or NUL");
  return database_location{sqlite_location{std::string{path}}};
}

} // namespace

caf::expected<database_location> parse_database_url(const std::string& url) {
  if (starts_with(url, sqlite_scheme))
    return parse_sqlite(std::string_view{url}.substr(sqlite_scheme.size()));
  for (auto scheme : postgresql_schemes)
    if (starts_with(url, scheme))
      return parse_postgresql(std::string_view{url}.substr(scheme.size()));
  return malformed("use sqlite:PATH or postgresql://user@host:port/dbname");
}

} // namespace parley::persistence
