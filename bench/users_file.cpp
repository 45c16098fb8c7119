// The users file is line-oriented text:
//   parley-bench users v1
//   target 127.0.0.1:8080
//   protocol parley
//   prefix bench_
//   user INDEX USERNAME ID EXPIRES_UNIX_S TOKEN
// Tokens and usernames hold no spaces on either server.
#include "bench/users_file.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace parley::bench {

namespace {

constexpr const char* header_line = "parley-bench users v1";

} // namespace

std::string username_for(const std::string& prefix, std::uint32_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06u", index);
  return prefix + digits;
}

std::string password_for(const std::string& username) {
  return "pb-" + username + "-secret";
}

std::optional<users_file_data> parse_users_file(const std::string& text,
                                                std::string& error) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != header_line) {
    error = "not a parley-bench users file (bad first line)";
    return std::nullopt;
  }
  users_file_data data;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    bool ok = true;
    if (key == "target")
      ok = static_cast<bool>(fields >> data.target);
    else if (key == "protocol")
      ok = static_cast<bool>(fields >> data.protocol);
    else if (key == "prefix") {
      fields >> data.prefix; // may be empty
    } else if (key == "user") {
      std::size_t index = 0;
      bench_user user;
      ok = static_cast<bool>(fields >> index >> user.username >> user.id >>
                             user.expires_unix_s >> user.token) &&
           index == data.users.size();
      if (user.token == "-") user.token.clear(); // saved without a token
      if (ok) data.users.push_back(std::move(user));
    } else {
      ok = false;
    }
    std::string extra;
    if (!ok || fields >> extra) {
      error = "malformed line " + std::to_string(line_number);
      return std::nullopt;
    }
  }
  if (data.target.empty() || data.protocol.empty()) {
    error = "missing target or protocol line";
    return std::nullopt;
  }
  return data;
}

std::string format_users_file(const users_file_data& data) {
  std::ostringstream out;
  out << header_line << '\n'
      << "target " << data.target << '\n'
      << "protocol " << data.protocol << '\n'
      << "prefix " << data.prefix << '\n';
  for (std::size_t i = 0; i < data.users.size(); ++i) {
    const auto& u = data.users[i];
    // An account without a token is saved with "-" so the line keeps five
    // fields; the next run logs in for it.
    out << "user " << i << ' ' << u.username << ' ' << u.id << ' '
        << u.expires_unix_s << ' ' << (u.token.empty() ? "-" : u.token) << '\n';
  }
  return out.str();
}

std::optional<users_file_data> load_users_file(const std::string& path,
                                               std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_users_file(text.str(), error);
}

bool save_users_file(const std::string& path, const users_file_data& data,
                     std::string& error) {
  auto temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << format_users_file(data);
    if (!out.flush()) {
      error = "cannot write " + temporary;
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + temporary + " to " + path;
    return false;
  }
  return true;
}

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) {
  std::tm t{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &t.tm_year,
                  &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec,
                  &consumed) != 6 ||
      consumed != 19)
    return std::nullopt;
  auto rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    auto digits = rest.find_first_not_of("0123456789", 1);
    if (digits == 1) return std::nullopt;
    rest = digits == std::string::npos ? "" : rest.substr(digits);
  }
  if (rest != "Z") return std::nullopt;
  if (t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31 ||
      t.tm_hour > 23 || t.tm_min > 59 || t.tm_sec > 60)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&t));
}

} // namespace parley::bench
