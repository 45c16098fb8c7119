// Plain TCP connections to a node, for bytes that no well-behaved client
// sends and for reading exactly what the node wrote: malformed HTTP, and
// WebSocket frames framed by hand, whose close frame is seen even when the
// node resets the connection right after it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parley::testing {

/// One TCP connection to 127.0.0.1; closed on destruction.
class raw_connection {
public:
  /// Connects; throws std::runtime_error when that fails.
  explicit raw_connection(unsigned short port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Writes `bytes`; false when the node hung up first (not an error here).
  bool send(std::string_view bytes);

  /// Half-closes: the node reads the end of the stream after what was sent.
  void shutdown_write();

  /// Appends what arrives within `timeout` to `received`; false once the
  /// node has closed or reset the connection.
  bool receive(std::chrono::milliseconds timeout);

  /// Reads until the node ends the connection; false when `timeout` passes
  /// first.
  bool receive_to_end(std::chrono::milliseconds timeout);

  /// Everything received so far; readers may consume from the front.
  std::string received;

private:
  int fd_ = -1;
};

/// Sends `request` as is, half-closes and reads until the node ends the
/// connection: everything it answered, nullopt when it did not hang up
/// within `timeout`.
std::optional<std::string> raw_exchange(unsigned short port,
                                        std::string_view request,
                                        std::chrono::milliseconds timeout);

/// One WebSocket frame as the node sent it (servers never mask).
struct ws_frame {
  int opcode = 0; ///< 1 text, 2 binary, 8 close, 9 ping, 10 pong
  std::string payload;

  /// The status code of a close frame, nullopt for other frames.
  std::optional<int> close_code() const;
};

/// A WebSocket connection framed by hand, for inspecting the node's close.
class raw_ws_connection {
public:
  /// Connects and upgrades on /ws with `token` (and `query`, e.g.
  /// "acks=1&device=phone", when not empty); throws std::runtime_error
  /// unless the node answers 101.
  raw_ws_connection(unsigned short port, const std::string& token,
                    const std::string& query = {});

  /// Half-closes: the node reads the end of the stream, without a close
  /// frame, and this side can still read what the node wrote.
  void shutdown_write() { tcp_.shutdown_write(); }

  /// Sends one frame, by default masked and final (FIN set); false when the
  /// node hung up first. Opcode 0 continues a fragmented message.
  bool send_frame(int opcode, std::string_view payload, bool final = true,
                  bool masked = true);

  /// The next frame, nullopt when the connection ends or `timeout` passes
  /// before a whole frame arrived.
  std::optional<ws_frame> read_frame(std::chrono::milliseconds timeout);

private:
  raw_connection tcp_;
};

} // namespace parley::testing
