// The admin listener's routes. Everything under /admin/ is answered by the
// node's admin actor (actors/admin), the same one `parley ctl` asks, so the
// two views cannot disagree.
#include "gateway/admin/admin_api.hpp"

#include <chrono>
#include <sodium.h>
#include <string_view>

#include <caf/all.hpp>

#include "gateway/admin/metrics_page.hpp"
#include "gateway/admin/prometheus_text.hpp"
#include "gateway/bearer_auth.hpp"
#include "gateway/http/target.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// A cluster-wide answer waits at most two short steps per node
/// (actors/admin/admin.cpp); this bounds the whole request.
constexpr auto admin_timeout = std::chrono::seconds(10);

constexpr std::string_view users_prefix = "/admin/users/";
constexpr std::string_view disconnect_suffix = "/disconnect";

/// Whether the Authorization header carries the admin token, compared in
/// constant time.
bool authorized(const node_context& node, std::string_view header) {
  if (node.admin_token.empty()) return true;
  auto given = bearer_token(header);
  return given && given->size() == node.admin_token.size() &&
         sodium_memcmp(given->data(), node.admin_token.data(), given->size()) ==
             0;
}

/// Asks the admin actor and answers with its JSON document.
template <class... Ts>
void ask_admin(node_context& node, api_responder respond, Ts... request) {
  node.system.spawn([&node, respond, request...](caf::event_based_actor* self) {
    self->request(node.admin, admin_timeout, request...)
        .then(
            [respond](std::string& document) {
              respond({200, document});
            },
            [respond](caf::error& err) {
              if (err == caf::sec::request_timeout)
                respond(error_reply(error_code::unavailable,
                                    "the admin actor did not answer in time"));
              else
                respond(error_reply(code_of(err), message_of(err)));
            });
  });
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

/// Routes under /admin/; false when the path names none.
bool route_admin(node_context& node, const std::string& method,
                 std::string_view path, api_responder& respond) {
  auto only = [&](const char* wanted, auto&& answer) {
    if (method == wanted)
      answer();
    else
      respond(error_reply(error_code::method_not_allowed,
                          std::string{path} + " answers " + wanted + " only"));
    return true;
  };
  if (path == "/admin/node")
    return only("GET", [&] { ask_admin(node, respond, status_atom::value); });
  if (path == "/admin/cluster")
    return only("GET", [&] { ask_admin(node, respond, cluster_atom::value); });
  if (path == "/admin/drain")
    return only("POST", [&] { ask_admin(node, respond, drain_atom::value); });
  if (path.substr(0, users_prefix.size()) != users_prefix) return false;
  auto rest = path.substr(users_prefix.size());
  if (ends_with(rest, disconnect_suffix)) {
    auto name =
        std::string{rest.substr(0, rest.size() - disconnect_suffix.size())};
    if (name.empty() || name.find('/') != std::string::npos) return false;
    return only("POST",
                [&] { ask_admin(node, respond, kick_atom::value, name); });
  }
  auto name = std::string{rest};
  if (name.empty() || name.find('/') != std::string::npos) return false;
  return only("GET", [&] { ask_admin(node, respond, user_atom::value, name); });
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
  if (route_admin(node, request.method, target->path, respond)) return;
  respond(error_reply(error_code::not_found, "no such admin route"));
}

} // namespace parley
