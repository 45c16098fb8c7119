// The users file: accounts and tokens saved by one run for the next, so
// that a benchmark need not pay for sign-up and password hashing each time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::bench {

/// One account as parley-bench knows it.
struct bench_user {
  std::string username;
  std::int64_t id = 0;             ///< the server's user id; 0 = unknown
  std::string token;               ///< access token; empty = log in first
  std::int64_t expires_unix_s = 0; ///< token expiry; 0 = unknown
};

/// Everything a users file holds.
struct users_file_data {
  std::string target;            ///< HOST:PORT the accounts live on
  std::string protocol;          ///< parley or seed
  std::string prefix;            ///< the username prefix they were made with
  std::vector<bench_user> users; ///< index = user index
};

/// The username of user `index`: prefix plus six or more digits.
std::string username_for(const std::string& prefix, std::uint32_t index);

/// The password of `username`, derived so that any run can log in again.
std::string password_for(const std::string& username);

/// Parses the text of a users file; nullopt (and `error`) when malformed.
std::optional<users_file_data> parse_users_file(const std::string& text,
                                                std::string& error);

/// The text of a users file.
std::string format_users_file(const users_file_data& data);

/// Reads `path`; nullopt when missing or malformed (`error` says which).
std::optional<users_file_data> load_users_file(const std::string& path,
                                               std::string& error);

/// Writes `path` through a temporary file and a rename; false on failure.
bool save_users_file(const std::string& path, const users_file_data& data,
                     std::string& error);

/// Parses an RFC 3339 UTC time ("2026-11-26T21:09:21.222Z") to Unix
/// seconds; nullopt when it is not one.
std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text);

} // namespace parley::bench
