// A SAX handler over RapidJSON's iterative reader: no tree, no recursion,
// no allocation once the strings have grown to their usual size.
#include "bench/frame_parse.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace parley::bench {

namespace {

/// Deeper nesting is nothing the servers send; stop reading it early.
constexpr int max_depth = 32;

/// Which top-level member the next value belongs to.
enum class member {
  none,
  type,
  id,
  sender_id,
  recipient_id,
  sender_username,
  content,
  code
};

member member_of(std::string_view key) {
  if (key == "type") return member::type;
  if (key == "id") return member::id;
  if (key == "sender_id") return member::sender_id;
  if (key == "recipient_id") return member::recipient_id;
  if (key == "sender_username") return member::sender_username;
  if (key == "content") return member::content;
  if (key == "code") return member::code;
  return member::none;
}

struct frame_handler
    : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, frame_handler> {
  server_frame* out = nullptr;
  int depth = 0;
  bool top_is_object = false;
  member current = member::none;

  void reset(server_frame& frame) {
    out = &frame;
    depth = 0;
    top_is_object = false;
    current = member::none;
  }

  /// Every scalar lands here; it only matters at depth 1.
  bool Default() {
    current = member::none;
    return depth > 0;
  }

  bool integer(std::int64_t value) {
    if (depth == 1 && current == member::id) {
      out->has_id = true;
      out->id = value;
    } else if (depth == 1 && current == member::sender_id) {
      out->has_sender_id = true;
      out->sender_id = value;
    } else if (depth == 1 && current == member::recipient_id) {
      out->has_recipient_id = true;
      out->recipient_id = value;
    }
    return Default();
  }
  bool Int(int v) { return integer(v); }
  bool Uint(unsigned v) { return integer(v); }
  bool Int64(std::int64_t v) { return integer(v); }
  bool Uint64(std::uint64_t v) {
    return integer(v > INT64_MAX ? -1 : static_cast<std::int64_t>(v));
  }

  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (depth == 1) {
      std::string_view value{text, length};
      switch (current) {
      case member::type:
        out->type_name.assign(value);
        break;
      case member::sender_username:
        out->has_sender_username = true;
        out->sender_username.assign(value);
        break;
      case member::content:
        out->has_content = true;
        out->content.assign(value);
        break;
      case member::code:
        out->code.assign(value);
        break;
      default:
        break;
      }
    }
    return Default();
  }

  bool StartObject() {
    if (depth == 0) top_is_object = true;
    current = member::none;
    return ++depth <= max_depth;
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    current = depth == 1 ? member_of({text, length}) : member::none;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    return true;
  }
  bool StartArray() {
    current = member::none;
    return depth > 0 && ++depth <= max_depth;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth;
    return true;
  }
};

void clear(server_frame& frame) {
  frame.type = frame_type::invalid;
  frame.type_name.clear();
  frame.has_id = frame.has_sender_id = frame.has_recipient_id = false;
  frame.has_sender_username = frame.has_content = false;
  frame.id = frame.sender_id = frame.recipient_id = 0;
  frame.sender_username.clear();
  frame.content.clear();
  frame.code.clear();
}

frame_type type_of(std::string_view name) {
  if (name == "incoming_message") return frame_type::incoming_message;
  if (name == "message_sent") return frame_type::message_sent;
  if (name == "error") return frame_type::error;
  return frame_type::other;
}

} // namespace

struct frame_parser::state {
  rapidjson::Reader reader;
  frame_handler handler;
};

frame_parser::frame_parser()
    : self_(std::make_unique<state>()) {}

frame_parser::~frame_parser() = default;

bool frame_parser::parse(std::string_view text, server_frame& out) {
  clear(out);
  self_->handler.reset(out);
  rapidjson::MemoryStream stream(text.data(), text.size());
  // Iterative: deep nesting costs no stack. RapidJSON itself rejects
  // anything but whitespace after the object.
  constexpr unsigned flags = rapidjson::kParseIterativeFlag;
  auto ok = self_->reader.Parse<flags>(stream, self_->handler);
  if (ok.IsError() || !self_->handler.top_is_object) {
    clear(out);
    return false;
  }
  out.type = type_of(out.type_name);
  return true;
}

} // namespace parley::bench
