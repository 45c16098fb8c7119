// rate: an open loop. Message k is due at start + k/R, from user k mod U;
// a timer set for the next due time sends whatever is due by then (a
// coarser tick would add its period to the latency measured from the due
// time). Latency counts from the due time, not
// from when the tool got round to it, so a stalled server shows up as
// latency instead of as fewer samples (no coordinated omission). With
// --login-burst N, N logins stay in flight for the whole window.
#include <algorithm>
#include <cmath>
#include <functional>

#include "bench/clock.hpp"
#include "bench/login_burst.hpp"
#include "bench/scenarios/common.hpp"

namespace parley::bench {

namespace {

/// Logins still in flight when the window ends get this long to finish
/// (the server's own hashing deadline is 30 s).
constexpr auto login_finish_timeout = std::chrono::seconds(40);

} // namespace

void run_rate(run_context& ctx) {
  auto& o = ctx.options;
  auto& r = ctx.result;
  if (!prepare_traffic(ctx)) return;

  auto warmup_ns = seconds_to_ns(o.warmup_s);
  auto window_ns = seconds_to_ns(o.window_s);
  auto start = now_ns();
  auto stop = start + warmup_ns + window_ns;
  ctx.flow.set_window(start + warmup_ns, stop);
  double interval_ns = 1e9 / o.rate_per_s;
  std::uint64_t next = 0;
  bool ended = false;
  resource_mark begin, end;
  auto due_of = [start, interval_ns](std::uint64_t k) {
    return start + static_cast<std::int64_t>(std::llround(k * interval_ns));
  };
  loop_timer timer(ctx.loop);
  std::function<void()> tick = [&] {
    auto now = now_ns();
    for (; due_of(next) <= now && due_of(next) < stop; ++next) {
      auto sender = static_cast<std::uint32_t>(next % o.users);
      ctx.flow.send_message(sender, next_recipient(ctx, sender), due_of(next));
    }
    if (due_of(next) >= stop) return;
    auto wait = std::max<std::int64_t>(0, due_of(next) - now_ns());
    timer.start(std::chrono::nanoseconds(wait), [&tick] { tick(); });
  };
  login_burst logins(ctx.loop, ctx.roster.users, o.login_burst);
  ctx.loop.after(std::chrono::nanoseconds(warmup_ns), [&] {
    begin = mark_resources(o);
    logins.start();
  });
  ctx.loop.after(std::chrono::nanoseconds(warmup_ns + window_ns), [&] {
    end = mark_resources(o);
    ended = true;
    logins.stop();
  });
  tick();
  ctx.loop.run_until([&ended] { return ended; },
                     std::chrono::steady_clock::time_point::max());
  record_window(r, begin, end);
  drain_and_collect(ctx);
  if (o.login_burst > 0) {
    logins.finish(std::chrono::steady_clock::now() + login_finish_timeout);
    r.logins = logins.counts();
  }
  count_rows_after(ctx);
}

} // namespace parley::bench
