// A tiny HTTP and WebSocket server for testing the test clients themselves.
#pragma once

#include <memory>

namespace parley::testing {

/// Listens on 127.0.0.1:0 and serves each connection on its own thread:
/// - plain HTTP: 200 with body "METHOD TARGET BODY" and the request's
///   X-Test header echoed as X-Echo;
/// - an upgrade to /ws without "Authorization: Bearer good": 401 with a
///   JSON error body;
/// - a WebSocket: echoes each message (text stays text, binary stays
///   binary), except "close:CODE", answered with a close frame carrying
///   CODE, "drop", answered by closing the TCP connection, and
///   "twice:TEXT", answered with TEXT twice.
class loopback_server {
public:
  /// Starts listening; throws on failure.
  loopback_server();

  /// Stops accepting, ends open connections and joins every thread.
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  /// The port it listens on.
  unsigned short port() const;

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::testing
