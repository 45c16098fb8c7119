// Decoding and validation of the frames a client sends over the WebSocket.
// Every path returns a value: untrusted text never throws or asserts here.
#include "proto/json/client_frame.hpp"

#include <cstdint>
#include <optional>

#include "proto/json/bounded_reader.hpp"

namespace parley::json {

namespace {

using rapidjson::Value;

constexpr std::string_view private_message_type = "private_message";
constexpr std::string_view sync_type = "sync";
constexpr std::string_view ack_type = "ack";
constexpr std::string_view read_type = "read";
constexpr std::string_view typing_type = "typing";

// Decoding uses memory on the stack for the DOM and the parser's stack: a
// typical chat frame fits, so decoding allocates nothing (a default
// Document allocates its pool object, a 64 KiB chunk and a parse stack per
// frame). Bigger frames spill into heap chunks of spill_chunk_bytes.
constexpr std::size_t dom_arena_bytes = 2048;
constexpr std::size_t parse_stack_arena_bytes = 512;
constexpr std::size_t parse_stack_initial_bytes = 256;
constexpr std::size_t spill_chunk_bytes = 8192;

using arena_allocator = rapidjson::MemoryPoolAllocator<>;
using arena_document =
    rapidjson::GenericDocument<rapidjson::UTF8<>, arena_allocator,
                               arena_allocator>;

// An unknown type is echoed in the error message; cap it so that a client
// cannot make us reflect a whole frame back.
constexpr std::size_t max_echoed_type_bytes = 32;

const Value* find(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view view_of(const Value& string) {
  return {string.GetString(), string.GetStringLength()};
}

// Printable ASCII only, so the echo is safe in any log line and never cuts a
// UTF-8 sequence in half.
std::string echo_of(std::string_view type) {
  std::string result;
  for (char c : type.substr(0, max_echoed_type_bytes))
    result += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (type.size() > max_echoed_type_bytes) result += "...";
  return result;
}

// The outcome of looking at client_msg_id: absent, usable or unusable.
struct client_msg_id_check {
  std::string value; // empty unless usable
  bool usable = true;
};

bool has_control_character(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20) return true;
  return false;
}

// Control characters (NUL included: PostgreSQL text cannot hold it) are
// refused: keys the server makes for messages sent without one begin with
// one (proto/domain.hpp), so no client key can ever equal them.
client_msg_id_check check_client_msg_id(const Value& frame) {
  const Value* id = find(frame, "client_msg_id");
  if (id == nullptr) return {};
  if (!id->IsString() || id->GetStringLength() == 0 ||
      id->GetStringLength() > limits::max_client_msg_id_bytes ||
      has_control_character(view_of(*id)))
    return {{}, false};
  return {std::string{view_of(*id)}, true};
}

// A positive id that fits user_id; 1.0, "5" and 2^63 are all refused.
std::optional<user_id> positive_int64(const Value* x) {
  if (x == nullptr || !x->IsInt64() || x->GetInt64() <= 0) return std::nullopt;
  return x->GetInt64();
}

std::optional<failure> check_content(const Value* content,
                                     const frame_limits& bounds) {
  if (content == nullptr || !content->IsString())
    return failure{error_code::invalid_content, "content must be a string"};
  auto text = view_of(*content);
  if (text.empty())
    return failure{error_code::invalid_content, "content must not be empty"};
  if (text.find('\0') != std::string_view::npos)
    return failure{error_code::invalid_content,
                   "content must not contain NUL characters"};
  if (text.size() > bounds.max_content_bytes)
    return failure{error_code::content_too_large,
                   "content is " + std::to_string(text.size()) +
                       " bytes of UTF-8; the limit is " +
                       std::to_string(bounds.max_content_bytes) + " bytes"};
  return std::nullopt;
}

client_frame decode_private_message(const Value& frame,
                                    const frame_limits& bounds,
                                    std::string client_msg_id) {
  auto recipient = positive_int64(find(frame, "recipient_id"));
  if (!recipient)
    return rejected_frame{error_code::invalid_recipient,
                          "recipient_id must be an integer from 1 to "
                          "9223372036854775807",
                          std::move(client_msg_id)};
  const Value* content = find(frame, "content");
  if (auto bad = check_content(content, bounds))
    return rejected_frame{bad->code, std::move(bad->message),
                          std::move(client_msg_id)};
  return private_message_frame{*recipient, std::string{view_of(*content)},
                               std::move(client_msg_id)};
}

client_frame decode_ack(const Value& frame, std::string client_msg_id) {
  const Value* up_to = find(frame, "up_to_id");
  if (up_to == nullptr || !up_to->IsInt64() || up_to->GetInt64() < 0)
    return rejected_frame{error_code::invalid_ack,
                          default_message(error_code::invalid_ack),
                          std::move(client_msg_id)};
  return ack_frame{up_to->GetInt64()};
}

client_frame decode_read(const Value& frame, std::string client_msg_id) {
  auto peer = positive_int64(find(frame, "peer_id"));
  if (!peer)
    return rejected_frame{error_code::invalid_recipient,
                          "peer_id must be an integer from 1 to "
                          "9223372036854775807",
                          std::move(client_msg_id)};
  const Value* up_to = find(frame, "up_to_id");
  if (up_to == nullptr || !up_to->IsInt64() || up_to->GetInt64() < 0)
    return rejected_frame{error_code::invalid_ack,
                          default_message(error_code::invalid_ack),
                          std::move(client_msg_id)};
  return read_frame{*peer, up_to->GetInt64()};
}

client_frame decode_typing(const Value& frame, std::string client_msg_id) {
  auto recipient = positive_int64(find(frame, "recipient_id"));
  const Value* state = find(frame, "state");
  auto said = state != nullptr && state->IsString() ? view_of(*state)
                                                    : std::string_view{};
  if (!recipient || (said != "start" && said != "stop"))
    return rejected_frame{error_code::invalid_typing,
                          default_message(error_code::invalid_typing),
                          std::move(client_msg_id)};
  return typing_frame{*recipient, said == "start"};
}

client_frame decode_sync(const Value& frame, std::string client_msg_id) {
  const Value* after = find(frame, "after_id");
  if (after == nullptr || !after->IsInt64() || after->GetInt64() < 0)
    return rejected_frame{error_code::invalid_after_id,
                          default_message(error_code::invalid_after_id),
                          std::move(client_msg_id)};
  return sync_frame{after->GetInt64()};
}

} // namespace

client_frame decode_client_frame(std::string_view text,
                                 const frame_limits& bounds) {
  char dom_arena[dom_arena_bytes];
  char parse_stack_arena[parse_stack_arena_bytes];
  arena_allocator values{dom_arena, sizeof dom_arena, spill_chunk_bytes};
  arena_allocator parse_stack{parse_stack_arena, sizeof parse_stack_arena,
                              spill_chunk_bytes};
  arena_document doc{&values, parse_stack_initial_bytes, &parse_stack};
  auto why = detail::parse_bounded(text, doc, limits::max_json_depth);
  if (!why.empty())
    return rejected_frame{
        error_code::invalid_json, "the frame is not valid JSON: " + why, {}};
  if (!doc.IsObject())
    return rejected_frame{error_code::not_an_object,
                          default_message(error_code::not_an_object),
                          {}};
  // Read first so that every later rejection can carry it back.
  auto id = check_client_msg_id(doc);
  const Value* type = find(doc, "type");
  if (type == nullptr || !type->IsString())
    return rejected_frame{error_code::missing_type,
                          default_message(error_code::missing_type), id.value};
  auto name = view_of(*type);
  if (name != private_message_type && name != sync_type && name != ack_type &&
      name != read_type && name != typing_type)
    return rejected_frame{error_code::unknown_type,
                          "unknown frame type \"" + echo_of(name) + "\"",
                          id.value};
  if (!id.usable)
    return rejected_frame{error_code::invalid_client_msg_id,
                          default_message(error_code::invalid_client_msg_id),
                          {}};
  if (name == sync_type) return decode_sync(doc, std::move(id.value));
  if (name == ack_type) return decode_ack(doc, std::move(id.value));
  if (name == read_type) return decode_read(doc, std::move(id.value));
  if (name == typing_type) return decode_typing(doc, std::move(id.value));
  return decode_private_message(doc, bounds, std::move(id.value));
}

} // namespace parley::json
