// A synchronous WebSocket client for tests (Beast stays in the .cpp file).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "tests/support/http_client.hpp"

namespace parley::testing {

class ws_client;

/// The outcome of an upgrade: a connected client, or the server's refusal.
struct ws_connect_result {
  std::unique_ptr<ws_client> client; ///< set when the upgrade succeeded
  http_response refusal;             ///< the HTTP answer otherwise
};

/// One client connection, driven entirely by the thread that calls it: each
/// call runs the client's own io_context until its operation completes or
/// its timeout passes. A read that times out stays pending, so the
/// connection survives it and the next read picks up where it stopped.
class ws_client {
public:
  /// How long connect, send and close may take before they throw.
  static constexpr std::chrono::seconds io_timeout{10};

  /// Predicate over one received text message.
  using message_predicate = std::function<bool(const std::string&)>;

  /// Connects and asks for the upgrade; throws std::runtime_error only when
  /// the TCP connection or the exchange itself fails.
  static ws_connect_result connect(const std::string& host, unsigned short port,
                                   const std::string& target,
                                   const header_list& headers = {});

  /// Like connect, but throws std::runtime_error (with status and body)
  /// when the server refuses the upgrade.
  static std::unique_ptr<ws_client> open(const std::string& host,
                                         unsigned short port,
                                         const std::string& target,
                                         const header_list& headers = {});

  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Sends one text message; throws std::runtime_error on failure.
  void send_text(std::string_view text);

  /// Sends one binary message; throws std::runtime_error on failure.
  void send_binary(std::string_view data);

  /// The next message (text or binary payload), nullopt when `timeout`
  /// passes first. Throws std::runtime_error when the connection closed.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout);

  /// The next message parsed as JSON, nullopt on timeout. Throws
  /// std::runtime_error when it is not valid JSON or the connection closed.
  std::optional<rapidjson::Document>
  read_json(std::chrono::milliseconds timeout);

  /// Reads and drops messages until one satisfies `matches`; nullopt when
  /// `timeout` (for the whole search) passes first.
  std::optional<std::string> read_until(const message_predicate& matches,
                                        std::chrono::milliseconds timeout);

  /// Reads (dropping data messages) until the server closes; its close
  /// code, 1006 when the TCP connection ended without a close frame, or
  /// nullopt when `timeout` passes first.
  std::optional<int> expect_close(std::chrono::milliseconds timeout);

  /// The close reason text of the server's close frame, once seen.
  std::string close_reason() const;

  /// Closes politely with `code` and waits for the server's close frame;
  /// errors are ignored, since the server may have gone already.
  void close(int code = 1000);

private:
  struct state;
  explicit ws_client(std::unique_ptr<state> self);
  std::unique_ptr<state> self_;
};

/// A predicate matching JSON messages whose "type" member equals `type`.
ws_client::message_predicate json_type_is(std::string type);

} // namespace parley::testing
