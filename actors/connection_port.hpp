// What a session actor may do to its WebSocket connection, without Beast.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "proto/admin.hpp"
#include "proto/domain.hpp"

namespace parley {

/// The gateway's WebSocket connection as seen from actors. Every function is
/// safe to call from any thread: implementations post to the connection's
/// own strand, so one writer per socket and frame order are preserved.
class connection_port {
public:
  virtual ~connection_port() = default;

  /// Queues an encoded text frame; closes the connection with a policy code
  /// when its bounded write queue overflows. `id` is the message id the
  /// frame carries, 0 for none: once the frame is handed to the kernel the
  /// session hears (written_atom, highest id written so far), unless the
  /// client acks (?acks=1): then only its acks confirm anything.
  virtual void deliver(std::shared_ptr<const std::string> frame,
                       message_id id) = 0;

  /// Sends drained_atom to the session once the outbound queue is below its
  /// low mark, at once if it already is (catch-up paces itself with it).
  virtual void notify_when_drained() = 0;

  /// The session has finished one inbound frame; lets a connection that
  /// paused reading for backpressure read again.
  virtual void frame_done() = 0;

  /// Closes the WebSocket with a close code and reason.
  virtual void close(std::uint16_t code, std::string reason) = 0;

  /// The connection as an operator sees it, read without waiting for its
  /// strand (the figures may be a frame behind). A connection without a
  /// socket has nothing to tell.
  virtual connection_info info() const { return {}; }
};

/// Shared ownership: the connection keeps itself alive while it has I/O
/// pending; the session keeps it reachable until the session exits.
using connection_ptr = std::shared_ptr<connection_port>;

} // namespace parley
