// What travels in the operators' requests (actors/admin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "proto/domain.hpp"

namespace parley {

/// What a connection tells an operator about itself (GET /admin/users/...).
struct connection_info {
  std::string remote;              ///< the client's address, "host:port"
  timestamp_ms opened_at = 0;      ///< when the WebSocket was accepted
  timestamp_ms last_frame_in = 0;  ///< 0: the client has sent nothing yet
  timestamp_ms last_frame_out = 0; ///< 0: nothing was written yet
  std::uint64_t queued_bytes = 0;  ///< outbound, not yet with the kernel
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connection_info& x) {
  return f(caf::meta::type_name("connection_info"), x.remote, x.opened_at,
           x.last_frame_in, x.last_frame_out, x.queued_bytes);
}

} // namespace parley
