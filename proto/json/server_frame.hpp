// Encoding of the frames the server sends over the WebSocket. Each function
// returns the complete JSON text of one frame.
#pragma once

#include <string>
#include <string_view>

#include "proto/domain.hpp"
#include "proto/error_code.hpp"

namespace parley::json {

/// {"type":"incoming_message","id","sender_id","sender_username","content",
///  "sent_at"} for every connection of the recipient.
std::string encode_incoming_message(const chat_message& msg);

/// {"type":"message_sent","id","recipient_id","client_msg_id"?,"sent_at"}
/// for the sending connection; client_msg_id only when non-empty.
std::string encode_message_sent(const chat_message& msg);

/// {"type":"outgoing_message","id","recipient_id","content","sent_at"} for
/// the sender's other connections (and replays of own messages).
std::string encode_outgoing_message(const chat_message& msg);

/// {"type":"delivered","recipient_id","up_to_id"} for the sender of the
/// messages, or {"type":"read","reader_id","up_to_id"} for a read receipt.
std::string encode_receipt(const receipt& x);

/// {"type":"sync_complete","last_id":N}
std::string encode_sync_complete(message_id last_id);

/// {"type":"presence","user_id","status":"online"|"offline"}: a user the
/// connection's user has a conversation with came or went.
std::string encode_presence(user_id user, bool online);

/// {"type":"typing","sender_id","state":"start"|"stop"}
std::string encode_typing(user_id sender, bool typing);

/// {"type":"error","code","message","client_msg_id"?}
std::string encode_error_frame(error_code code, std::string_view message,
                               std::string_view client_msg_id = {});

} // namespace parley::json
