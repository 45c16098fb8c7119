// The REST routes. Each request that needs actors gets a short-lived
// event-based actor that chains the requests (hash → create, lookup →
// verify → token) and answers through the responder; it ends with the
// last response. The calling network thread never blocks.
#include "gateway/http_api.hpp"

#include <cctype>
#include <chrono>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "actors/metrics/node_metrics.hpp"
#include "gateway/bearer_auth.hpp"
#include "gateway/http/target.hpp"
#include "gateway/web/web_files.hpp"
#include "proto/json/http_body.hpp"
#include "proto/limits.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// Registration and login wait behind the hashing queue at most this long.
constexpr auto hashing_timeout = std::chrono::seconds(30);

/// Reads and account creation are single statements.
constexpr auto query_timeout = std::chrono::seconds(15);

/// Verified against for unknown usernames, so that an unknown user costs
/// the same argon2id time as a wrong password and names cannot be probed.
constexpr const char* timing_equalizer_hash =
    "$argon2id$v=19$m=65536,t=2,p=1$+jY4LDsGVSSLBZgtx7D1VA$"
    "y+qt/Lt8snyfFXs/Ykoqw4JddpKvw8t+GUyQMgvmLVk";

api_reply error_reply(const caf::error& err) {
  if (err == caf::sec::request_timeout)
    return error_reply(error_code::unavailable);
  return error_reply(code_of(err), message_of(err));
}

using self_pointer = caf::event_based_actor*;

void register_user(node_context& node, json::credentials creds,
                   api_responder respond) {
  node.system.spawn([&node, creds, respond](self_pointer self) {
    self->request(node.actors.hasher, hashing_timeout, hash_atom::value,
                  creds.password)
        .then(
            [&node, self, creds, respond](std::string& hash) {
              self->request(node.actors.writer, query_timeout,
                            create_atom::value, creds.username, hash)
                  .then(
                      [respond](user_record& user) {
                        respond({201, json::encode_user(user)});
                      },
                      [respond](caf::error& err) {
                        respond(error_reply(err));
                      });
            },
            [respond](caf::error& err) { respond(error_reply(err)); });
  });
}

void issue_login(node_context& node, const account& found,
                 api_responder& respond) {
  auth::token_claims claims;
  claims.user = found.id;
  claims.username = found.username;
  claims.expires_at = wall_clock_ms() + node.opts.token_ttl_seconds * 1000;
  auto token = auth::issue_token(node.token_key, claims);
  user_record user{found.id, found.username, found.status};
  respond({200, json::encode_login(token, claims.expires_at, user)});
}

void verify_password(node_context& node, self_pointer self, account found,
                     std::string password, api_responder respond) {
  bool known = found.id != 0;
  auto hash = known ? found.password_hash : timing_equalizer_hash;
  self->request(node.actors.hasher, hashing_timeout, verify_atom::value, hash,
                std::move(password))
      .then(
          [&node, known, found, respond](bool match) mutable {
            if (known && match)
              issue_login(node, found, respond);
            else
              respond(error_reply(error_code::invalid_credentials));
          },
          [respond](caf::error& err) { respond(error_reply(err)); });
}

void login(node_context& node, json::credentials creds, api_responder respond) {
  node.system.spawn([&node, creds, respond](self_pointer self) {
    self->request(node.actors.reader, query_timeout, account_atom::value,
                  creds.username)
        .then(
            [&node, self, creds, respond](account& found) {
              verify_password(node, self, found, creds.password, respond);
            },
            [&node, self, creds, respond](caf::error& err) {
              if (code_of(err) == error_code::not_found)
                verify_password(node, self, account{}, creds.password, respond);
              else
                respond(error_reply(err));
            });
  });
}

/// Ready: the database answers and, in a cluster, the node is registered
/// with a current heartbeat and linked to every live member, and the node
/// is not draining. Balancers send clients only to ready nodes.
void readiness(node_context& node, api_responder respond) {
  node.system.spawn([&node, respond](self_pointer self) {
    self->request(node.actors.reader, std::chrono::seconds(2),
                  probe_atom::value)
        .then(
            [&node, respond](bool database_ok) {
              auto view = node.cluster->read();
              auto ready = database_ok && (!view.enabled || view.ready()) &&
                           !node.draining.load(std::memory_order_relaxed);
              auto name = view.enabled ? view.node : std::string{"standalone"};
              auto members =
                  view.enabled ? view.members : std::vector<std::string>{name};
              respond({ready ? 200 : 503,
                       json::encode_readiness(ready, name, members)});
            },
            [&node, respond](caf::error&) {
              auto view = node.cluster->read();
              respond({503, json::encode_readiness(
                                false, view.enabled ? view.node : "standalone",
                                view.members)});
            });
  });
}

void lookup_user(node_context& node, std::string username,
                 api_responder respond) {
  node.system.spawn([&node, username, respond](self_pointer self) {
    self->request(node.actors.reader, query_timeout, account_atom::value,
                  username)
        .then(
            [respond](account& found) {
              user_record user{found.id, found.username, found.status};
              respond({200, json::encode_user_with_status(user)});
            },
            [respond](caf::error& err) {
              if (code_of(err) == error_code::not_found)
                respond(error_reply(error_code::not_found, "no such user"));
              else
                respond(error_reply(err));
            });
  });
}

void history(node_context& node, user_id caller, const request_target& target,
             api_responder respond) {
  bool malformed = false;
  constexpr auto max_id = std::numeric_limits<std::int64_t>::max();
  auto with = query_integer(target, "with", 1, max_id, malformed);
  auto before = query_integer(target, "before_id", 1, max_id, malformed);
  auto limit = query_integer(target, "limit", 1, max_id, malformed);
  if (malformed || !with) {
    respond(error_reply(error_code::invalid_request,
                        "with must be a user id; before_id and limit, when "
                        "given, positive integers"));
    return;
  }
  auto rows = static_cast<std::uint32_t>(
      std::min<std::int64_t>(limit.value_or(limits::default_history_limit),
                             limits::max_history_limit));
  node.system.spawn([&node, caller, with = *with, before = before.value_or(0),
                     rows, respond](self_pointer self) {
    self->request(node.actors.reader, query_timeout, history_atom::value,
                  caller, with, before, rows)
        .then(
            [respond](std::vector<chat_message>& page) {
              respond({200, json::encode_history(page)});
            },
            [respond](caf::error& err) { respond(error_reply(err)); });
  });
}

void inbox(node_context& node, user_id caller, const request_target& target,
           api_responder respond) {
  bool malformed = false;
  constexpr auto max_id = std::numeric_limits<std::int64_t>::max();
  auto before = query_integer(target, "before_id", 1, max_id, malformed);
  auto limit = query_integer(target, "limit", 1, max_id, malformed);
  if (malformed) {
    respond(error_reply(error_code::invalid_request,
                        "before_id and limit, when given, must be positive "
                        "integers"));
    return;
  }
  auto rows = static_cast<std::uint32_t>(std::min<std::int64_t>(
      limit.value_or(limits::default_conversations_limit),
      limits::max_conversations_limit));
  node.system.spawn([&node, caller, before = before.value_or(0), rows,
                     respond](self_pointer self) {
    self->request(node.actors.reader, query_timeout, inbox_atom::value, caller,
                  before, rows)
        .then(
            [respond](std::vector<conversation_summary>& page) {
              respond({200, json::encode_conversations(page)});
            },
            [respond](caf::error& err) { respond(error_reply(err)); });
  });
}

/// A prefix of a username: 2-32 of the characters usernames are made of.
bool valid_name_prefix(const std::string& prefix) {
  if (prefix.size() < limits::min_user_search_prefix_chars ||
      prefix.size() > limits::max_username_chars)
    return false;
  for (unsigned char c : prefix)
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

/// GET /users?prefix=: find people to talk to. Names and presence only; the
/// caller is left out.
void search_users(node_context& node, user_id caller,
                  const request_target& target, api_responder respond) {
  auto prefix = target.query.find("prefix");
  if (prefix == target.query.end() || !valid_name_prefix(prefix->second)) {
    respond(error_reply(error_code::invalid_request,
                        "prefix must be 2-32 characters of [A-Za-z0-9_.-]"));
    return;
  }
  node.system.spawn([&node, caller, prefix = prefix->second,
                     respond](self_pointer self) {
    self->request(node.actors.reader, query_timeout, search_atom::value, prefix,
                  caller,
                  static_cast<std::uint32_t>(limits::max_user_search_results))
        .then(
            [respond](std::vector<user_record>& users) {
              respond({200, json::encode_user_list(users)});
            },
            [respond](caf::error& err) { respond(error_reply(err)); });
  });
}

/// GET of a web client file: revalidated on every use (no-cache with an
/// ETag, so a node upgrade reaches every browser at once) and locked down
/// by the Content-Security-Policy.
api_reply web_file_reply(const web::web_file& file,
                         const std::string& if_none_match) {
  api_reply reply;
  reply.headers = {
      {"Cache-Control", "no-cache"},
      {"ETag", std::string{file.etag}},
      {"Content-Security-Policy", std::string{web::content_security_policy}},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  if (if_none_match == file.etag) {
    reply.status = 304;
    return reply;
  }
  reply.body = std::string{file.body};
  reply.content_type = std::string{file.content_type};
  return reply;
}

/// Routes that need a bearer token.
void authorized_route(node_context& node, const api_request& request,
                      const request_target& target, api_responder respond) {
  auto query_token = target.query.find("access_token");
  auto claims =
      authenticate(node.token_key, request.authorization,
                   query_token == target.query.end()
                       ? std::nullopt
                       : std::optional<std::string_view>{query_token->second});
  if (!claims) {
    respond(error_reply(error_code::unauthorized));
    return;
  }
  constexpr std::string_view users_prefix = "/users/";
  if (target.path == "/messages")
    history(node, claims->user, target, std::move(respond));
  else if (target.path == "/conversations")
    inbox(node, claims->user, target, std::move(respond));
  else if (target.path == "/users")
    search_users(node, claims->user, target, std::move(respond));
  else
    lookup_user(node, target.path.substr(users_prefix.size()),
                std::move(respond));
}

/// Routes that take a credentials body.
void credentials_route(node_context& node, const api_request& request,
                       const std::string& path, api_responder respond) {
  auto decoded = json::decode_credentials(request.body);
  if (auto* bad = std::get_if<failure>(&decoded)) {
    respond(error_reply(bad->code, bad->message));
    return;
  }
  auto& creds = std::get<json::credentials>(decoded);
  if (path == "/login") {
    login(node, std::move(creds), std::move(respond));
    return;
  }
  auto rules = json::validate_registration(creds);
  if (rules.code != error_code::none)
    respond(error_reply(rules.code, rules.message));
  else
    register_user(node, std::move(creds), std::move(respond));
}

bool is_user_path(const std::string& path) {
  return path.size() > 7 && path.compare(0, 7, "/users/") == 0 &&
         path.find('/', 7) == std::string::npos;
}

/// The route a path names, whatever the method (a 405 counts under the
/// route it was sent to).
metrics::http_route route_of(const std::string& path) {
  using metrics::http_route;
  if (path == "/users") return http_route::users;
  if (path == "/login") return http_route::login;
  if (is_user_path(path)) return http_route::user;
  if (path == "/messages") return http_route::messages;
  if (path == "/conversations") return http_route::conversations;
  if (path == "/healthz") return http_route::healthz;
  if (path == "/readyz") return http_route::readyz;
  if (web::find_web_file(path) != nullptr) return http_route::web;
  return http_route::other;
}

/// Answers through `respond` and counts the answer by route and status.
api_responder counted(metrics::http_route route, api_responder respond) {
  return [route, respond = std::move(respond)](api_reply reply) {
    metrics::count_http_request(route, reply.status);
    respond(std::move(reply));
  };
}

} // namespace

api_reply error_reply(error_code code, std::string_view message) {
  return api_reply{http_status(code),
                   json::encode_error_body(code, message.empty()
                                                     ? default_message(code)
                                                     : message)};
}

void handle_api_request(node_context& node, api_request request,
                        api_responder respond) {
  auto target = parse_target(request.target);
  respond =
      counted(target ? route_of(target->path) : metrics::http_route::other,
              std::move(respond));
  if (!target) {
    respond(error_reply(error_code::invalid_request, "malformed target"));
    return;
  }
  const auto& path = target->path;
  const auto& method = request.method;
  auto user_path = is_user_path(path);
  if (path == "/healthz" && method == "GET")
    respond({200, json::encode_health()});
  else if (path == "/readyz" && method == "GET")
    readiness(node, std::move(respond));
  else if ((path == "/users" || path == "/login") && method == "POST")
    credentials_route(node, request, path, std::move(respond));
  else if ((path == "/messages" || path == "/conversations" ||
            path == "/users" || user_path) &&
           method == "GET")
    authorized_route(node, request, *target, std::move(respond));
  else if (path == "/healthz" || path == "/readyz" || path == "/users" ||
           path == "/login" || path == "/messages" ||
           path == "/conversations" || user_path)
    respond(error_reply(error_code::method_not_allowed));
  else if (auto file = web::find_web_file(path))
    respond(method == "GET" ? web_file_reply(*file, request.if_none_match)
                            : error_reply(error_code::method_not_allowed));
  else
    respond(error_reply(error_code::not_found, "no such route"));
}

} // namespace parley
