// Accounts for a run: sign-up and login over HTTP with bounded parallelism,
// and the health check that comes before everything.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli.hpp"
#include "bench/client/event_loop.hpp"
#include "bench/users_file.hpp"

namespace parley::bench {

/// Signs users up and logs them in; drives the loop while it works.
class account_desk {
public:
  /// A desk for `protocol` with at most `parallelism` requests at once,
  /// its clients spread round robin over the loop's targets (sign-up and
  /// login work on any node of a cluster); `verbose` prints progress to
  /// stderr.
  account_desk(event_loop& loop, protocol_kind protocol,
               std::uint32_t parallelism, bool verbose);
  ~account_desk();
  account_desk(const account_desk&) = delete;
  account_desk& operator=(const account_desk&) = delete;

  /// Gives each user in `which` an id and a fresh token: logs in, signing
  /// up first when the account is new or unknown to the server. Returns ""
  /// or the first error.
  std::string ensure(std::vector<bench_user>& users,
                     const std::vector<std::uint32_t>& which);

  /// GET /healthz (parley) or /health (seed) on every target: "" when
  /// each answers 200, else the first problem (naming the target when
  /// there are several).
  std::string check_health();

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::bench
