#include "gateway/admin/admin_api.hpp"

#include <sodium.h>
#include <string_view>

#include "gateway/admin/metrics_page.hpp"
#include "gateway/admin/prometheus_text.hpp"
#include "gateway/bearer_auth.hpp"
#include "gateway/http/target.hpp"
#include "proto/error_code.hpp"

namespace parley {

namespace {

/// Whether the Authorization header carries the admin token, compared in
/// constant time.
bool authorized(const node_context& node, std::string_view header) {
  if (node.admin_token.empty()) return true;
  auto given = bearer_token(header);
  return given && given->size() == node.admin_token.size() &&
         sodium_memcmp(given->data(), node.admin_token.data(), given->size()) ==
             0;
}

} // namespace

void handle_admin_request(node_context& node, api_request request,
                          api_responder respond) {
  auto target = parse_target(request.target);
  if (!target) {
    respond(error_reply(error_code::invalid_request, "malformed target"));
    return;
  }
  if (!authorized(node, request.authorization)) {
    respond(error_reply(error_code::unauthorized,
                        "the admin endpoints need the admin bearer token"));
    return;
  }
  if (target->path == "/metrics") {
    if (request.method != "GET") {
      respond(error_reply(error_code::method_not_allowed,
                          "/metrics answers GET only"));
      return;
    }
    respond({200, admin::metrics_page(node), admin::prometheus_content_type});
    return;
  }
  respond(error_reply(error_code::not_found, "no such admin route"));
}

} // namespace parley
