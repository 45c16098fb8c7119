// Reads the server's frames without building a JSON tree: a SAX pass that
// keeps only the top-level members parley-bench looks at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace parley::bench {

/// The frame types parley-bench acts on; everything else is `other`.
enum class frame_type {
  incoming_message,
  message_sent,
  error,
  other,   ///< a JSON object with another (or no) type
  invalid, ///< not a JSON object
};

/// The members of one frame. Strings keep their capacity between frames.
struct server_frame {
  frame_type type = frame_type::invalid;
  std::string type_name; ///< the "type" member as sent ("" when absent)
  bool has_id = false;
  std::int64_t id = 0; ///< the message id (incoming_message, message_sent)
  bool has_sender_id = false;
  std::int64_t sender_id = 0;
  bool has_recipient_id = false;
  std::int64_t recipient_id = 0;
  bool has_sender_username = false;
  std::string sender_username;
  bool has_content = false;
  std::string content;
  std::string code; ///< error frames: the "code" member
};

/// Parses frames one at a time; keeps its buffers between calls. One
/// thread at a time.
class frame_parser {
public:
  frame_parser();
  ~frame_parser();
  frame_parser(const frame_parser&) = delete;
  frame_parser& operator=(const frame_parser&) = delete;

  /// Fills `out` from `text`; false (and type invalid) when `text` is not
  /// a JSON object. Never throws on any input.
  bool parse(std::string_view text, server_frame& out);

private:
  struct state;
  std::unique_ptr<state> self_;
};

} // namespace parley::bench
