// parley-bench: Parley's load tool. It speaks only the public HTTP and
// WebSocket API, so it drives Parley and the seed baseline alike, and it
// checks every message it sends as carefully as it times it.
//
//   parse options ─► health check of every target
//        ─► users (file, sign-up, login)
//        ─► scenario (conns | throughput | rate) ─► table + JSON line
#include <cstdio>
#include <random>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "bench/accounts.hpp"
#include "bench/cli.hpp"
#include "bench/client/event_loop.hpp"
#include "bench/client/ws_pool.hpp"
#include "bench/ledger.hpp"
#include "bench/pairing.hpp"
#include "bench/report.hpp"
#include "bench/scenarios/scenario.hpp"
#include "bench/traffic.hpp"
#include "bench/user_setup.hpp"

namespace parley::bench {

namespace {

/// Descriptors beyond the connections: stdio, HTTP clients, /proc reads.
constexpr rlim_t spare_descriptors = 256;

/// Raises the open-file limit as far as allowed; "" or why it is too low.
std::string raise_file_limit(std::uint64_t connections) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  if (connections + spare_descriptors <= limit.rlim_cur) return {};
  return "needs " + std::to_string(connections + spare_descriptors) +
         " open files but the limit is " + std::to_string(limit.rlim_cur) +
         " (raise it with ulimit -n)";
}

ledger_users users_of(const user_roster& roster, std::uint32_t count) {
  ledger_users out;
  for (std::uint32_t i = 0; i < count; ++i) {
    out.ids.push_back(roster.users[i].id);
    out.usernames.push_back(roster.users[i].username);
  }
  return out;
}

/// Prints the result; returns the exit status.
int finish(const bench_result& result) {
  if (!result.options.quiet) std::fputs(format_table(result).c_str(), stdout);
  std::printf("%s\n", format_json(result).c_str());
  std::fflush(stdout);
  return exit_status(result);
}

int run(const bench_options& options) {
  bench_result result;
  result.options = options;
  auto fail = [&result](const std::string& why) {
    std::fprintf(stderr, "parley-bench: %s\n", why.c_str());
    result.setup_error = why;
    return finish(result);
  };
  auto connections = std::uint64_t{options.users} * options.conns_per_user;
  if (auto why = raise_file_limit(connections); !why.empty()) return fail(why);

  event_loop loop;
  std::string error;
  for (const auto& target : options.targets)
    if (!loop.add_target(target.host, target.port, error)) return fail(error);
  account_desk accounts(loop, options.protocol, options.signup_parallelism,
                        !options.quiet);
  if (auto why = accounts.check_health(); !why.empty()) return fail(why);
  user_roster roster;
  if (auto why = prepare_users(options, accounts, roster); !why.empty())
    return fail(why);

  std::random_device entropy;
  auto run_id = static_cast<std::uint32_t>(entropy());
  ledger book(run_id, users_of(roster, options.users), options.conns_per_user);
  traffic flow(book, options.users, options.conns_per_user, options.protocol,
               options.ack_every);
  ws_pool_config pool_config;
  pool_config.source_addresses = options.source_addresses;
  ws_pool pool(loop, pool_config, flow,
               static_cast<std::uint32_t>(connections));
  flow.attach(pool);
  random_recipients picker((std::uint64_t{entropy()} << 32) | entropy());
  run_context ctx{options, loop, accounts, roster, book,
                  flow,    pool, result,   picker};
  switch (options.mode) {
  case bench_mode::conns:
    run_conns(ctx);
    break;
  case bench_mode::throughput:
    run_throughput(ctx);
    break;
  case bench_mode::rate:
    run_rate(ctx);
    break;
  }
  pool.shutdown(std::chrono::seconds(2));
  if (!result.setup_error.empty())
    std::fprintf(stderr, "parley-bench: %s\n", result.setup_error.c_str());
  return finish(result);
}

} // namespace

} // namespace parley::bench

int main(int argc, char** argv) {
  using namespace parley::bench;
  auto parsed =
      parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "parley-bench: %s (see parley-bench --help)\n",
                 parsed.error.c_str());
    return 2;
  }
  return run(*parsed.options);
}
