// The admin listener's routes (--admin-listen): GET /metrics for
// Prometheus; GET /admin/node, /admin/cluster, /admin/users/{name}; POST
// /admin/users/{name}/disconnect and /admin/drain. Nothing here is
// reachable on the public port.
#pragma once

#include "gateway/http_api.hpp"

namespace parley {

/// Routes a request on the admin listener; answers 401 without the bearer
/// token when one is configured (node_context::admin_token).
void handle_admin_request(node_context& node, api_request request,
                          api_responder respond);

} // namespace parley
