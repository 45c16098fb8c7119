// Encoding of the frames the server sends over the WebSocket. Key order is
// part of the documented wire format, so members are written one by one.
#include "proto/json/server_frame.hpp"

#include "proto/json/compact_writer.hpp"
#include "proto/json/rfc3339.hpp"

namespace parley::json {

/// Room for the fixed members of a frame; escaping may exceed it, rarely.
constexpr std::size_t frame_overhead_bytes = 160;

std::string encode_incoming_message(const chat_message& msg) {
  detail::compact_writer out{frame_overhead_bytes + msg.content.size() +
                             msg.sender_username.size()};
  out.open_object();
  out.member("type", "incoming_message");
  out.member("id", msg.id);
  out.member("sender_id", msg.sender_id);
  out.member("sender_username", msg.sender_username);
  out.member("content", msg.content);
  out.member("sent_at", format_rfc3339_fixed(msg.sent_at_ms).view());
  out.close_object();
  return out.text();
}

std::string encode_message_sent(const chat_message& msg) {
  detail::compact_writer out{frame_overhead_bytes + msg.client_msg_id.size()};
  out.open_object();
  out.member("type", "message_sent");
  out.member("id", msg.id);
  out.member("recipient_id", msg.recipient_id);
  if (!msg.client_msg_id.empty())
    out.member("client_msg_id", msg.client_msg_id);
  out.member("sent_at", format_rfc3339_fixed(msg.sent_at_ms).view());
  out.close_object();
  return out.text();
}

std::string encode_outgoing_message(const chat_message& msg) {
  detail::compact_writer out{frame_overhead_bytes + msg.content.size()};
  out.open_object();
  out.member("type", "outgoing_message");
  out.member("id", msg.id);
  out.member("recipient_id", msg.recipient_id);
  out.member("content", msg.content);
  out.member("sent_at", format_rfc3339_fixed(msg.sent_at_ms).view());
  out.close_object();
  return out.text();
}

std::string encode_receipt(const receipt& x) {
  detail::compact_writer out;
  out.open_object();
  if (x.read) {
    out.member("type", "read");
    out.member("reader_id", x.reader);
  } else {
    out.member("type", "delivered");
    out.member("recipient_id", x.reader);
  }
  out.member("up_to_id", x.up_to);
  out.close_object();
  return out.text();
}

std::string encode_sync_complete(message_id last_id) {
  detail::compact_writer out;
  out.open_object();
  out.member("type", "sync_complete");
  out.member("last_id", last_id);
  out.close_object();
  return out.text();
}

std::string encode_presence(user_id user, bool online) {
  detail::compact_writer out;
  out.open_object();
  out.member("type", "presence");
  out.member("user_id", user);
  out.member("status", online ? "online" : "offline");
  out.close_object();
  return out.text();
}

std::string encode_typing(user_id sender, bool typing) {
  detail::compact_writer out;
  out.open_object();
  out.member("type", "typing");
  out.member("sender_id", sender);
  out.member("state", typing ? "start" : "stop");
  out.close_object();
  return out.text();
}

std::string encode_error_frame(error_code code, std::string_view message,
                               std::string_view client_msg_id) {
  detail::compact_writer out;
  out.open_object();
  out.member("type", "error");
  out.member("code", wire_code(code));
  out.member("message", message);
  if (!client_msg_id.empty()) out.member("client_msg_id", client_msg_id);
  out.close_object();
  return out.text();
}

} // namespace parley::json
