#include "actors/metrics/node_metrics.hpp"

namespace parley::metrics {

node_metrics& node() {
  static node_metrics instance;
  return instance;
}

const char* kind_label(actor_kind kind) {
  // In enum order.
  static constexpr const char* labels[] = {
      "session", "user", "registry", "writer", "reader", "hashing", "cluster",
  };
  static_assert(sizeof(labels) / sizeof(labels[0]) == actor_kinds,
                "every actor kind needs exactly one label");
  return labels[static_cast<std::size_t>(kind)];
}

} // namespace parley::metrics
