// What the nodes of a cluster know about each other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace parley {

/// A node as the members table lists it.
struct cluster_member {
  std::string name;
  std::int64_t incarnation = 0; ///< one more on every start of the name
  std::string host;             ///< the address peers connect to
  std::uint16_t port = 0;
  std::int64_t heartbeat_age_ms = 0; ///< as the database saw it
};

inline bool operator==(const cluster_member& x, const cluster_member& y) {
  return x.name == y.name && x.incarnation == y.incarnation &&
         x.host == y.host && x.port == y.port;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_member& x) {
  return f(caf::meta::type_name("cluster_member"), x.name, x.incarnation,
           x.host, x.port, x.heartbeat_age_ms);
}

} // namespace parley
