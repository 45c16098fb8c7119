#include "gateway/admin/cluster_metrics.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace parley::admin {

void write_cluster_metrics(prometheus_text& out, cluster_view& view) {
  auto seen = view.read();
  if (!seen.enabled) return;
  out.gauge("parley_cluster_members",
            "Live members of the cluster (fresh heartbeat), this node "
            "included.",
            static_cast<std::int64_t>(seen.expected.size() + 1));
  out.family("parley_cluster_peer_up",
             "1 while this node has a link to the member, else 0; one "
             "series per member of the table.",
             "gauge");
  for (const auto& row : seen.table) {
    if (row.name == seen.node) continue;
    auto linked = std::find(seen.members.begin(), seen.members.end(),
                            row.name) != seen.members.end();
    out.sample("parley_cluster_peer_up", std::int64_t{linked ? 1 : 0},
               {{"peer", row.name}});
  }
  auto traffic = view.history.traffic();
  out.family("parley_cluster_routes_sent_total",
             "Committed messages this node routed to a peer.", "counter");
  for (const auto& [peer, counts] : traffic)
    out.sample("parley_cluster_routes_sent_total",
               counts->routes_sent.load(std::memory_order_relaxed),
               {{"peer", peer}});
  out.family("parley_cluster_routes_received_total",
             "Committed messages a peer routed to this node.", "counter");
  for (const auto& [peer, counts] : traffic)
    out.sample("parley_cluster_routes_received_total",
               counts->routes_received.load(std::memory_order_relaxed),
               {{"peer", peer}});
  out.family("parley_cluster_joins_total",
             "Links to peers made (a node joined, or came back).", "counter");
  out.sample("parley_cluster_joins_total", view.history.joins());
  out.family("parley_cluster_losses_total",
             "Links to peers lost, by reason (left, remote_link_unreachable, "
             "restarted, replaced).",
             "counter");
  for (const auto& [reason, count] : view.history.losses())
    out.sample("parley_cluster_losses_total", count, {{"reason", reason}});
}

} // namespace parley::admin
