// Decoding and validation of the frames a client sends over the WebSocket.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "proto/domain.hpp"
#include "proto/error_code.hpp"
#include "proto/limits.hpp"

namespace parley::json {

/// {"type":"private_message","recipient_id":N,"content":"...",
///  "client_msg_id":"..."} after validation.
struct private_message_frame {
  user_id recipient_id = 0;
  std::string content;
  std::string client_msg_id; ///< empty when absent
};

/// {"type":"sync","after_id":N}
struct sync_frame {
  message_id after_id = 0;
};

/// {"type":"ack","up_to_id":N}: the client has every message to it up to N.
struct ack_frame {
  message_id up_to_id = 0;
};

/// {"type":"read","peer_id":S,"up_to_id":N}: the client has read the
/// messages S sent it up to N.
struct read_frame {
  user_id peer_id = 0;
  message_id up_to_id = 0;
};

/// {"type":"typing","recipient_id":R,"state":"start"|"stop"}: the client's
/// user started or stopped typing to R (relayed, never stored).
struct typing_frame {
  user_id recipient_id = 0;
  bool typing = false; ///< "start"
};

/// A frame that failed validation; client_msg_id is echoed when the frame
/// carried a usable one.
struct rejected_frame {
  error_code code = error_code::invalid_json;
  std::string message;
  std::string client_msg_id; ///< empty when absent or unusable
};

/// What a text frame decodes to.
using client_frame = std::variant<private_message_frame, sync_frame, ack_frame,
                                  read_frame, typing_frame, rejected_frame>;

/// Bounds applied while decoding (from the command line).
struct frame_limits {
  std::size_t max_content_bytes = limits::max_content_bytes;
};

/// Decodes and validates one text frame. Never throws on any input.
client_frame decode_client_frame(std::string_view text,
                                 const frame_limits& bounds = {});

} // namespace parley::json
