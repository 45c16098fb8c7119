// The cluster's part of GET /metrics: members, links, routes per peer,
// joins and losses by reason (actors/cluster/cluster_history.hpp).
#pragma once

#include "actors/cluster/cluster_view.hpp"
#include "gateway/admin/prometheus_text.hpp"

namespace parley::admin {

/// Writes the cluster's metrics; nothing on a node outside a cluster.
void write_cluster_metrics(prometheus_text& out, cluster_view& view);

} // namespace parley::admin
