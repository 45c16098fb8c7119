// A synchronous HTTP/1.1 client for tests (Beast stays in the .cpp file).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace parley::testing {

/// How long one request may take before http_request gives up.
constexpr std::chrono::seconds http_timeout{10};

/// What the server answered.
struct http_response {
  int status = 0;                             ///< e.g. 200, 401
  std::string body;                           ///< the body, as sent
  std::map<std::string, std::string> headers; ///< names in lower case
};

/// Extra request header fields, in order.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Sends one request on a fresh connection and reads the whole response.
/// A non-empty body gets "Content-Type: application/json" unless `headers`
/// set one. Throws std::runtime_error when the server cannot be reached, the
/// response is malformed or `http_timeout` passes.
http_response http_request(std::string host, unsigned short port,
                           std::string method, std::string target,
                           std::string body = {}, header_list headers = {});

/// The header list carrying "Authorization: Bearer <token>".
header_list bearer(const std::string& token);

} // namespace parley::testing
