#include "actors/metrics/node_metrics.hpp"

namespace parley::metrics {

node_metrics& node() {
  static node_metrics instance;
  return instance;
}

} // namespace parley::metrics
