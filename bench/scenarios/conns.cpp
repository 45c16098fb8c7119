// conns: how many connections the server takes, how fast, at what memory.
// All connections open (server CPU is marked around that), then sit idle
// for --hold seconds; then every user sends one message to its partner and
// a connection counts as still open when its message arrived on it.
// Partners are fixed here whatever --pairing says, so that every user
// receives exactly one message.
#include <cstdio>
#include <limits>

#include "bench/clock.hpp"
#include "bench/pairing.hpp"
#include "bench/scenarios/common.hpp"

namespace parley::bench {

void run_conns(run_context& ctx) {
  auto& o = ctx.options;
  auto& r = ctx.result;
  r.rss_before_kib = server_rss_kib(o);
  auto begin = mark_resources(o);
  open_connections(ctx);
  auto end = mark_resources(o);
  record_window(r, begin, end);
  r.rss_after_kib = server_rss_kib(o);
  count_rows_before(ctx);

  if (!o.quiet)
    std::fprintf(stderr, "parley-bench: holding %llu connections for %.1f s\n",
                 static_cast<unsigned long long>(r.conns_opened), o.hold_s);
  ctx.loop.run_for(std::chrono::nanoseconds(seconds_to_ns(o.hold_s)));

  auto now = now_ns();
  ctx.flow.set_window(now, std::numeric_limits<std::int64_t>::max());
  for (std::uint32_t u = 0; u < o.users; ++u)
    ctx.flow.send_message(u, partner_of(u, o.users), now);
  drain_and_collect(ctx);
  std::uint64_t verified = 0;
  for (std::uint32_t c = 0; c < r.conns_total; ++c)
    if (ctx.pool.is_open(c) && ctx.flow.deliveries_on(c) > 0) ++verified;
  r.conns_still_open = verified;
  count_rows_after(ctx);
}

} // namespace parley::bench
