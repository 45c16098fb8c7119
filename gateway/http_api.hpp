// The REST part of the HTTP API: accounts, login, lookup, history, health.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/node_context.hpp"
#include "proto/error_code.hpp"

namespace parley {

/// One HTTP request as the API needs it (Beast stays in gateway/server).
struct api_request {
  std::string method;
  std::string target;
  std::string body;
  std::string authorization; ///< the Authorization header, if any
  std::string if_none_match; ///< the If-None-Match header, if any
};

/// Status and body of an answer (JSON unless said otherwise).
struct api_reply {
  api_reply() = default;
  api_reply(int status_code, std::string text,
            std::string type = "application/json")
      : status(status_code)
      , body(std::move(text))
      , content_type(std::move(type)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  /// Further headers (name, value), e.g. the web client's caching and
  /// security headers.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// An error answer: the code's HTTP status and JSON error body (the code's
/// default message when `message` is empty).
api_reply error_reply(error_code code, std::string_view message = {});

/// Called exactly once, from any thread, with the answer.
using api_responder = std::function<void(api_reply)>;

/// Routes a request. Work that blocks (hashing, SQL) happens in actors; the
/// caller's thread only parses and dispatches.
void handle_api_request(node_context& node, api_request request,
                        api_responder respond);

} // namespace parley
