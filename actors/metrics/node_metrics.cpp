#include "actors/metrics/node_metrics.hpp"

namespace parley::metrics {

node_metrics& node() {
  static node_metrics instance;
  return instance;
}

const char* kind_label(actor_kind kind) {
  // In enum order.
  static constexpr const char* labels[] = {
      "session", "user",    "registry", "writer",
      "reader",  "hashing", "cluster",  "admin",
  };
  static_assert(sizeof(labels) / sizeof(labels[0]) == actor_kinds,
                "every actor kind needs exactly one label");
  return labels[static_cast<std::size_t>(kind)];
}

const char* route_label(http_route route) {
  // In enum order.
  static constexpr const char* labels[] = {
      "/users",         "/login",   "/users/{username}", "/messages",
      "/conversations", "/healthz", "/readyz",           "web",
      "other",
  };
  static_assert(sizeof(labels) / sizeof(labels[0]) == http_routes,
                "every route needs exactly one label");
  return labels[static_cast<std::size_t>(route)];
}

void count_http_request(http_route route, int status) {
  std::size_t slot = 0;
  while (slot < http_statuses.size() && http_statuses[slot] != status)
    ++slot; // not found: the last slot, "other"
  node().http_requests[static_cast<std::size_t>(route)][slot].add();
}

} // namespace parley::metrics
