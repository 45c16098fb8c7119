// GET /metrics: every instrument of the node (actors/metrics), the state
// read at scrape time (open connections) and the process_* metrics.
#pragma once

#include <string>

#include "gateway/node_context.hpp"

namespace parley::admin {

/// The whole page in the Prometheus text format.
std::string metrics_page(node_context& node);

} // namespace parley::admin
