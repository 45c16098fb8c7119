// User set-up. A saved token is reused while it has at least the run's
// length (plus a margin) left; tokens without a known expiry (the seed
// server's) are reused until the server refuses them, which makes the
// connection phase log in again.
#include "bench/user_setup.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace parley::bench {

namespace {

/// A token must outlive the run by this much to be reused.
constexpr double token_margin_s = 600;

bool is_unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string percent_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 15]);
  }
  return out;
}

double run_length_s(const bench_options& o) {
  return o.warmup_s + o.window_s + o.hold_s + o.drain_s;
}

} // namespace

std::string prepare_users(const bench_options& o, account_desk& desk,
                          user_roster& roster) {
  // Accounts live in the database, which every node of a cluster shares:
  // any one node names it, and the first stays the same when a run
  // switches between one node (--target) and several (--targets).
  roster.target = target_text(o.targets.front());
  roster.users.clear();
  if (!o.users_file.empty()) {
    std::string why;
    auto saved = load_users_file(o.users_file, why);
    if (saved && saved->target == roster.target &&
        saved->protocol == protocol_name(o.protocol) &&
        saved->prefix == o.user_prefix)
      roster.users = std::move(saved->users);
    else if (!o.quiet)
      std::fprintf(stderr, "parley-bench: %s; making new users\n",
                   saved ? "users file is for another target, protocol or "
                           "prefix"
                         : why.c_str());
  }
  for (auto i = static_cast<std::uint32_t>(roster.users.size()); i < o.users;
       ++i)
    roster.users.push_back({username_for(o.user_prefix, i), 0, {}, 0});
  auto now = static_cast<double>(std::time(nullptr));
  std::vector<std::uint32_t> stale;
  for (std::uint32_t i = 0; i < o.users; ++i) {
    const auto& u = roster.users[i];
    bool expiring = u.expires_unix_s != 0 &&
                    u.expires_unix_s < now + run_length_s(o) + token_margin_s;
    if (u.id == 0 || u.token.empty() || expiring) stale.push_back(i);
  }
  if (!stale.empty() && !o.quiet)
    std::fprintf(stderr, "parley-bench: signing up / logging in %zu users\n",
                 stale.size());
  auto error = stale.empty() ? std::string{} : desk.ensure(roster.users, stale);
  // Save what was obtained even on error: the next run resumes from it.
  auto saved = save_users(o, roster);
  return error.empty() ? saved : error;
}

std::string save_users(const bench_options& o, const user_roster& roster) {
  if (o.users_file.empty()) return {};
  users_file_data data{roster.target, protocol_name(o.protocol), o.user_prefix,
                       roster.users};
  std::string error;
  save_users_file(o.users_file, data, error);
  return error;
}

std::string ws_target(const bench_options& o, const bench_user& user,
                      std::uint32_t user_index, std::uint32_t n) {
  auto target = "/ws?access_token=" + percent_encode(user.token);
  // A device per connection: each connection's acks move its own cursor,
  // and the names stay the same from run to run for the same users, so a
  // device that acked everything at the end of one run starts the next
  // with nothing to catch up on.
  if (o.ack_every > 0)
    target += "&acks=1&device=u" + std::to_string(user_index) + "c" +
              std::to_string(n);
  return target;
}

} // namespace parley::bench
