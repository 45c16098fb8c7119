// The users of a run: loaded from --users-file when it fits the target,
// completed by sign-up and login, saved back for the next run.
#pragma once

#include <string>
#include <vector>

#include "bench/accounts.hpp"
#include "bench/cli.hpp"
#include "bench/users_file.hpp"

namespace parley::bench {

/// Every account a run may use: the first `options.users` are this run's;
/// further ones came from the users file and are kept when it is saved.
struct user_roster {
  std::vector<bench_user> users;
  std::string target; ///< the first target: the users file is for it
};

/// Loads, completes and saves the users of a run; "" or the error.
std::string prepare_users(const bench_options& options, account_desk& desk,
                          user_roster& roster);

/// Saves the roster to --users-file (when given); "" or the error.
std::string save_users(const bench_options& options, const user_roster& roster);

/// The WebSocket target of connection `n` of `user` (index `user_index`):
/// /ws with the token in the query; with --ack-every also ?acks=1 and the
/// connection's own device, u<user_index>c<n>.
std::string ws_target(const bench_options& options, const bench_user& user,
                      std::uint32_t user_index, std::uint32_t n);

} // namespace parley::bench
