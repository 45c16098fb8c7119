// The admin listener's routes (--admin-listen): GET /metrics for
// Prometheus, more of the operators' view to come under /admin/. Nothing
// here is reachable on the public port.
#pragma once

#include "gateway/http_api.hpp"

namespace parley {

/// Routes a request on the admin listener; answers 401 without the bearer
/// token when one is configured (node_context::admin_token).
void handle_admin_request(node_context& node, api_request request,
                          api_responder respond);

} // namespace parley
