// An asynchronous HTTP/1.1 client on the event loop, for sign-up, login
// and the health check. Beast stays in http.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bench/client/event_loop.hpp"

namespace parley::bench {

/// A server's answer, or why there was none.
struct http_result {
  int status = 0;    ///< 0 when no response arrived
  std::string body;  ///< the response body
  std::string error; ///< set when status is 0
};

/// One keep-alive connection to one of the loop's targets; one request at a
/// time.
class http_client {
public:
  /// Called once per request, on the loop's thread.
  using callback = std::function<void(http_result)>;

  /// A client of `loop`'s target number `target` (added before); connects
  /// on the first request.
  explicit http_client(event_loop& loop, std::uint32_t target = 0);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends `method` `target` with a JSON `body` (none when empty); `done`
  /// gets the answer. A request that fails on a reused connection is tried
  /// once more on a fresh one.
  void request(const std::string& method, const std::string& target,
               const std::string& body, callback done);

  /// Whether a request is in progress.
  bool busy() const;

private:
  struct state;
  std::shared_ptr<state> self_;
};

} // namespace parley::bench
