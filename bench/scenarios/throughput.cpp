// throughput: a closed loop. Every user starts with --inflight messages;
// each time one of its messages has reached every recipient connection it
// sends the next, until the window ends. Throughput is what completes
// inside the window, after --warmup.
#include <limits>

#include "bench/clock.hpp"
#include "bench/scenarios/common.hpp"

namespace parley::bench {

void run_throughput(run_context& ctx) {
  auto& o = ctx.options;
  auto& r = ctx.result;
  if (!prepare_traffic(ctx)) return;

  bool sending = true;
  auto send_next = [&ctx](std::uint32_t sender) {
    ctx.flow.send_message(sender, next_recipient(ctx, sender), now_ns());
  };
  ctx.flow.completed = [&sending, &send_next](std::uint32_t sender) {
    if (sending) send_next(sender);
  };
  auto warmup = std::chrono::nanoseconds(seconds_to_ns(o.warmup_s));
  auto window = std::chrono::nanoseconds(seconds_to_ns(o.window_s));
  auto start = now_ns();
  ctx.flow.set_window(start + warmup.count(),
                      start + warmup.count() + window.count());
  resource_mark begin, end;
  bool ended = false;
  ctx.loop.after(warmup, [&begin, &o] { begin = mark_resources(o); });
  ctx.loop.after(warmup + window, [&] {
    end = mark_resources(o);
    sending = false;
    ended = true;
  });
  for (std::uint32_t k = 0; k < o.inflight; ++k)
    for (std::uint32_t u = 0; u < o.users; ++u)
      send_next(u);
  ctx.loop.run_until([&ended] { return ended; },
                     std::chrono::steady_clock::time_point::max());
  ctx.flow.completed = nullptr;
  record_window(r, begin, end);
  drain_and_collect(ctx);
  count_rows_after(ctx);
}

} // namespace parley::bench
