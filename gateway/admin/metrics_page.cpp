#include "gateway/admin/metrics_page.hpp"

#include <cstdint>

#include "actors/metrics/node_metrics.hpp"
#include "gateway/admin/process_stats.hpp"
#include "gateway/admin/prometheus_text.hpp"

namespace parley::admin {

std::string metrics_page(node_context& node) {
  const auto& counts = metrics::node();
  prometheus_text out;
  out.gauge("parley_open_connections",
            "WebSocket connections open on this node.",
            static_cast<std::int64_t>(node.sessions.count()));
  out.family("parley_ws_upgrades_total",
             "WebSocket upgrade requests on /ws, by result.", "counter");
  out.sample("parley_ws_upgrades_total", counts.upgrades_accepted.value(),
             {{"result", "accepted"}});
  out.sample("parley_ws_upgrades_total", counts.upgrades_unauthorized.value(),
             {{"result", "unauthorized"}});
  out.sample("parley_ws_upgrades_total", counts.upgrades_refused.value(),
             {{"result", "refused"}});
  out.counter("parley_messages_stored_total",
              "Messages committed to the database (resends of a stored "
              "client_msg_id not counted).",
              counts.messages_stored);
  out.histogram("parley_write_batch_messages",
                "Messages per committed write batch.", counts.batch_rows);
  out.histogram("parley_commit_duration_seconds",
                "Time one write batch's commit took.", counts.commit_seconds);
  write_process_metrics(out);
  return out.text();
}

} // namespace parley::admin
