// The WebSocket protocol as integration tests speak it.
#include "tests/integration/chat_frames.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parley::testing {

namespace {

using writer_type = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(writer_type& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::unique_ptr<ws_client> open_ws(const running_node& node,
                                   const std::string& target,
                                   const header_list& headers) {
  return ws_client::open("127.0.0.1", node.port(), target, headers);
}

} // namespace

std::string private_message(std::int64_t recipient, std::string_view content,
                            std::string_view client_msg_id) {
  rapidjson::StringBuffer buffer;
  writer_type writer{buffer};
  writer.StartObject();
  writer.Key("type");
  writer.String("private_message");
  writer.Key("recipient_id");
  writer.Int64(recipient);
  writer.Key("content");
  write_string(writer, content);
  if (!client_msg_id.empty()) {
    writer.Key("client_msg_id");
    write_string(writer, client_msg_id);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string sync_request(std::int64_t after_id) {
  return R"({"type":"sync","after_id":)" + std::to_string(after_id) + "}";
}

std::unique_ptr<ws_client> connect_with_header(const running_node& node,
                                               const logged_in_user& user,
                                               const std::string& query) {
  return open_ws(node, query.empty() ? "/ws" : "/ws?" + query,
                 bearer(user.token));
}

std::unique_ptr<ws_client> connect_with_query_token(const running_node& node,
                                                    const logged_in_user& user,
                                                    const std::string& query) {
  // Tokens are base64url and dots: nothing to escape in a query string.
  auto target = "/ws?access_token=" + user.token;
  if (!query.empty()) target += "&" + query;
  return open_ws(node, target, {});
}

rapidjson::Document next_frame(ws_client& ws) {
  for (;;) {
    auto text = ws.read_text(frame_timeout);
    if (!text)
      throw std::runtime_error("no frame within " +
                               std::to_string(frame_timeout.count()) + " s");
    rapidjson::Document frame;
    frame.Parse(text->data(), text->size());
    if (frame.HasParseError() || !frame.IsObject())
      throw std::runtime_error("frame is not a JSON object: " + *text);
    // Presence frames come whenever a peer comes or goes, outside the
    // stream of messages these helpers read (presence_typing_test.cpp
    // reads them).
    if (type_of(frame) != "presence") return frame;
  }
}

rapidjson::Document expect_next(ws_client& ws, const std::string& type,
                                std::int64_t id) {
  auto frame = next_frame(ws);
  if (type_of(frame) != type || (id != -1 && id_of(frame) != id))
    throw std::runtime_error("expected " + type +
                             (id == -1 ? "" : " " + std::to_string(id)) +
                             ", got " + to_text(frame));
  return frame;
}

std::int64_t send_and_ack(ws_client& sender, std::int64_t recipient,
                          std::string_view content,
                          std::string_view client_msg_id) {
  sender.send_text(private_message(recipient, content, client_msg_id));
  return id_of(expect_next(sender, "message_sent"));
}

void await_live(ws_client& ws, std::int64_t after_id) {
  ws.send_text(sync_request(after_id));
  auto frame = expect_next(ws, "sync_complete");
  auto last = frame.FindMember("last_id");
  if (last == frame.MemberEnd() || !last->value.IsInt64() ||
      last->value.GetInt64() != after_id)
    throw std::runtime_error("expected sync_complete with last_id " +
                             std::to_string(after_id) + ", got " +
                             to_text(frame));
}

std::string type_of(const rapidjson::Value& frame) {
  if (!frame.IsObject()) return {};
  auto it = frame.FindMember("type");
  if (it == frame.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::int64_t id_of(const rapidjson::Value& frame) {
  if (!frame.IsObject()) return -1;
  auto it = frame.FindMember("id");
  if (it == frame.MemberEnd() || !it->value.IsInt64()) return -1;
  return it->value.GetInt64();
}

std::set<std::string> member_names(const rapidjson::Value& frame) {
  std::set<std::string> names;
  if (!frame.IsObject()) return names;
  for (const auto& member : frame.GetObject())
    names.emplace(member.name.GetString(), member.name.GetStringLength());
  return names;
}

std::string to_text(const rapidjson::Value& frame) {
  rapidjson::StringBuffer buffer;
  writer_type writer{buffer};
  frame.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

bool is_utc_millis_timestamp(const std::string& text) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (shape[i] == 'd' ? !std::isdigit(c) : text[i] != shape[i]) return false;
  }
  return true;
}

std::string utc_millis_timestamp(std::int64_t unix_ms) {
  auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ",
                static_cast<int>(unix_ms % 1000));
  return std::string(text, length) + millis;
}

} // namespace parley::testing
