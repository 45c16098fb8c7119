// Shared phases. Connections open in rounds: the first opens everything
// with at most --connect-parallelism handshakes at once; users whose token
// the server refused (it restarted with a new key, say) log in again and
// their connections get one more round.
#include "bench/scenarios/common.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "bench/clock.hpp"
#include "bench/db_count.hpp"
#include "bench/placement.hpp"
#include "bench/proc_stats.hpp"

namespace parley::bench {

namespace {

constexpr auto progress_interval = std::chrono::seconds(5);

/// A round can take at most connect + handshake timeouts per slot, in
/// parallel; this only guards against a hang.
constexpr auto round_deadline = std::chrono::hours(1);

/// How long the final acks may take to leave: they are small, and the
/// server reads its sockets even when it is behind, so this only bounds a
/// stuck connection.
constexpr auto final_ack_deadline = std::chrono::seconds(2);

struct open_round {
  std::vector<std::uint32_t> todo;
  std::size_t next = 0;
  std::size_t in_flight = 0;
  std::vector<std::uint32_t> refused;
};

/// Opens the connections in `round`; returns the seconds it took.
double run_round(run_context& ctx, open_round& round, bool allow_refresh) {
  auto& o = ctx.options;
  auto& r = ctx.result;
  auto start_more = [&ctx, &round, &o] {
    while (round.in_flight < o.connect_parallelism &&
           round.next < round.todo.size()) {
      auto conn = round.todo[round.next++];
      auto user = conn / o.conns_per_user;
      auto n = conn % o.conns_per_user;
      auto node = node_of_connection(
          user, n, o.users, static_cast<std::uint32_t>(o.targets.size()));
      ++round.in_flight;
      ctx.pool.open(conn, node, ws_target(o, ctx.roster.users[user], user, n));
    }
  };
  ctx.flow.opened = [&](std::uint32_t) {
    --round.in_flight;
    ++r.conns_opened;
    start_more();
  };
  ctx.flow.open_failed = [&](std::uint32_t conn, bool refused,
                             const std::string& why) {
    --round.in_flight;
    if (refused && allow_refresh) {
      round.refused.push_back(conn);
    } else {
      ++r.conns_failed;
      if (r.first_open_error.empty()) r.first_open_error = why;
    }
    start_more();
  };
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + round_deadline;
  start_more();
  auto done = [&round] {
    return round.next == round.todo.size() && round.in_flight == 0;
  };
  while (!ctx.loop.run_until(
      done, std::min(deadline,
                     std::chrono::steady_clock::now() + progress_interval))) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    if (!o.quiet)
      std::fprintf(stderr, "parley-bench: connections open %llu/%llu\n",
                   static_cast<unsigned long long>(r.conns_opened),
                   static_cast<unsigned long long>(r.conns_total));
  }
  ctx.flow.opened = nullptr;
  ctx.flow.open_failed = nullptr;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       started)
      .count();
}

} // namespace

bool open_connections(run_context& ctx) {
  auto& o = ctx.options;
  auto& r = ctx.result;
  r.conns_total = std::uint64_t{o.users} * o.conns_per_user;
  open_round first;
  for (std::uint32_t c = 0; c < r.conns_total; ++c)
    first.todo.push_back(c);
  r.setup_s = run_round(ctx, first, true);
  if (!first.refused.empty()) {
    std::set<std::uint32_t> users;
    for (auto conn : first.refused)
      users.insert(conn / o.conns_per_user);
    if (!o.quiet)
      std::fprintf(
          stderr, "parley-bench: server refused %zu tokens; logging in again\n",
          users.size());
    r.tokens_refreshed = users.size();
    auto error = ctx.accounts.ensure(
        ctx.roster.users,
        std::vector<std::uint32_t>(users.begin(), users.end()));
    if (!error.empty()) {
      r.conns_failed += first.refused.size();
      r.first_open_error = "login after refusal: " + error;
    } else {
      open_round second;
      second.todo = first.refused;
      r.setup_s += run_round(ctx, second, false);
    }
    save_users(o, ctx.roster);
  }
  if (r.conns_failed > 0 && !o.quiet)
    std::fprintf(stderr, "parley-bench: %llu connections failed: %s\n",
                 static_cast<unsigned long long>(r.conns_failed),
                 r.first_open_error.c_str());
  return r.conns_failed == 0;
}

/// The sum of `read` over every --server-pid; nullopt when there is none
/// or one cannot be read (a node that exited would make a partial sum look
/// like a lighter server).
template <class Value, class Reader>
std::optional<Value> sum_over_servers(const bench_options& o, Reader read) {
  if (o.server_pids.empty()) return std::nullopt;
  Value total{};
  for (int pid : o.server_pids) {
    auto value = read(pid);
    if (!value) return std::nullopt;
    total += *value;
  }
  return total;
}

resource_mark mark_resources(const bench_options& o) {
  resource_mark mark;
  mark.at_ns = now_ns();
  mark.server_cpu_s = sum_over_servers<double>(o, cpu_seconds);
  if (o.db_pid) mark.db_cpu_s = tree_cpu_seconds(*o.db_pid);
  mark.tool_cpu_s = own_cpu_seconds();
  return mark;
}

void record_window(bench_result& r, const resource_mark& begin,
                   const resource_mark& end) {
  r.window_s = (end.at_ns - begin.at_ns) / 1e9;
  if (begin.server_cpu_s && end.server_cpu_s)
    r.cpu_server_s = *end.server_cpu_s - *begin.server_cpu_s;
  if (begin.db_cpu_s && end.db_cpu_s)
    r.cpu_db_s = *end.db_cpu_s - *begin.db_cpu_s;
  r.cpu_tool_s = end.tool_cpu_s - begin.tool_cpu_s;
}

std::optional<std::uint64_t> server_rss_kib(const bench_options& o) {
  return sum_over_servers<std::uint64_t>(o, rss_kib);
}

void count_rows_before(run_context& ctx) {
  if (ctx.options.db_url.empty()) return;
  ctx.result.db_rows_before =
      count_messages(ctx.options.db_url, ctx.result.db_error);
}

void count_rows_after(run_context& ctx) {
  if (ctx.options.db_url.empty() || !ctx.result.db_rows_before) return;
  ctx.result.db_rows_after =
      count_messages(ctx.options.db_url, ctx.result.db_error);
}

void drain_and_collect(run_context& ctx) {
  auto started = std::chrono::steady_clock::now();
  auto deadline =
      started + std::chrono::nanoseconds(seconds_to_ns(ctx.options.drain_s));
  ctx.loop.run_until(
      [&ctx] {
        return ctx.book.pending_deliveries() == 0 &&
               ctx.flow.acks_outstanding() == 0;
      },
      deadline);
  auto& r = ctx.result;
  r.drain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  // The final acks leave the device cursors where the connections stand,
  // so the same users' next run is not handed this run's messages again.
  ctx.flow.flush_acks();
  ctx.loop.run_until([&ctx] { return ctx.pool.writes_pending() == 0; },
                     std::chrono::steady_clock::now() + final_ack_deadline);
  r.messages = ctx.book.counts();
  r.frames = ctx.flow.counts();
  r.window = ctx.flow.window();
  r.latency = ctx.flow.latency().summary();
  r.ack_latency = ctx.flow.ack_latency().summary();
}

std::uint32_t next_recipient(run_context& ctx, std::uint32_t sender) {
  auto users = ctx.options.users;
  if (ctx.options.pairing == pairing_kind::pairs)
    return partner_of(sender, users);
  return ctx.picker.pick(sender, users);
}

bool prepare_traffic(run_context& ctx) {
  auto& r = ctx.result;
  r.rss_before_kib = server_rss_kib(ctx.options);
  if (!open_connections(ctx)) {
    r.setup_error = "not every connection opened: " + r.first_open_error;
    return false;
  }
  r.rss_after_kib = server_rss_kib(ctx.options);
  count_rows_before(ctx);
  return true;
}

} // namespace parley::bench
