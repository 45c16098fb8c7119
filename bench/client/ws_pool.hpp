// Many client WebSocket connections on one event loop, addressed by index.
// Beast stays in ws_pool.cpp; this header is light.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bench/client/event_loop.hpp"

namespace parley::bench {

/// What the pool reports; every call runs on the loop's thread.
class ws_events {
public:
  virtual ~ws_events() = default;
  /// Connection `conn` finished its upgrade and is reading.
  virtual void on_open(std::uint32_t conn) = 0;
  /// Connection `conn` could not be opened; `refused` when the server
  /// answered the upgrade with an HTTP error (e.g. 401 for a stale token).
  virtual void on_open_failed(std::uint32_t conn, bool refused,
                              const std::string& why) = 0;
  /// One text or binary message arrived on `conn`.
  virtual void on_frame(std::uint32_t conn, std::string_view text) = 0;
  /// An open connection ended.
  virtual void on_closed(std::uint32_t conn, const std::string& why) = 0;
};

/// How the pool connects.
struct ws_pool_config {
  /// Spread sockets over 127.0.0.1 .. 127.0.0.N (loopback targets only).
  std::uint32_t source_addresses = 16;
  std::chrono::seconds open_timeout{30};
  std::size_t max_message_bytes = 1024 * 1024;
};

/// A fixed number of connection slots; each may be opened once.
class ws_pool {
public:
  /// `connections` slots on `loop` (whose targets are added), reporting to
  /// `events`, which must outlive the pool.
  ws_pool(event_loop& loop, ws_pool_config config, ws_events& events,
          std::uint32_t connections);

  /// Closes every socket and waits briefly for their handlers (shutdown).
  ~ws_pool();
  ws_pool(const ws_pool&) = delete;
  ws_pool& operator=(const ws_pool&) = delete;

  /// Starts connecting slot `conn` to the loop's target number `target`
  /// and upgrading with GET `path`. A slot that failed or closed may be
  /// opened again, to any target.
  void open(std::uint32_t conn, std::uint32_t target, const std::string& path);

  /// Queues one text message on an open `conn`; false when it is not open.
  bool send(std::uint32_t conn, std::string_view text);

  /// Whether `conn` is open.
  bool is_open(std::uint32_t conn) const;

  /// Messages queued on open connections and not yet written.
  std::size_t writes_pending() const;

  /// Closes every socket at once (no close handshake) and runs the loop
  /// until their handlers are done or `grace` passes.
  void shutdown(std::chrono::milliseconds grace);

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::bench
