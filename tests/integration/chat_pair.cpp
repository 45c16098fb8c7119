// Two connected users on a fresh node, and shared frame helpers.
#include "tests/integration/chat_pair.hpp"

#include <algorithm>
#include <stdexcept>

#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/support/json_body.hpp"

namespace parley::testing {

namespace {

/// The largest page GET /messages hands out.
constexpr int history_page_rows = 200;

seen_message seen_from(const rapidjson::Value& value, std::string type) {
  seen_message seen;
  seen.type = std::move(type);
  seen.id = int_member(value, "id").value_or(0);
  seen.sender_id = int_member(value, "sender_id").value_or(0);
  seen.recipient_id = int_member(value, "recipient_id").value_or(0);
  seen.content = string_member(value, "content").value_or("");
  return seen;
}

} // namespace

chat_pair::chat_pair(std::vector<std::string> node_args)
    : node(std::move(node_args))
    , alice(register_and_login(node.port(), "alice", "password1"))
    , bob(register_and_login(node.port(), "bob", "password2"))
    , alice_ws(connect(alice))
    , bob_ws(connect(bob)) {}

std::unique_ptr<ws_client> chat_pair::connect(const logged_in_user& user,
                                              const std::string& query) const {
  return ws_client::open("127.0.0.1", node.port(), "/ws" + query,
                         bearer(user.token));
}

void check_delivered(ws_client& from, ws_client& to, const std::string& frame,
                     const std::string& content) {
  from.send_text(frame);
  auto ack = from.read_json(expected_frame_timeout);
  REQUIRE(ack);
  CHECK(string_member(*ack, "type") == "message_sent");
  auto incoming = to.read_json(expected_frame_timeout);
  REQUIRE(incoming);
  CHECK(string_member(*incoming, "type") == "incoming_message");
  CHECK(string_member(*incoming, "content") == content);
}

void chat_pair::check_only_markers_stored(ws_client& sender) {
  auto marker = "marker " + std::to_string(++markers_sent);
  sender.send_text(message_frame(bob.id, marker, marker));
  auto ack = sender.read_json(expected_frame_timeout);
  REQUIRE(ack);
  CHECK(string_member(*ack, "type") == "message_sent");
  CHECK(string_member(*ack, "client_msg_id") == marker);
  auto incoming = bob_ws->read_json(expected_frame_timeout);
  REQUIRE(incoming);
  CHECK(string_member(*incoming, "type") == "incoming_message");
  CHECK(string_member(*incoming, "content") == marker);
  auto resume = connect(alice, "?since=0");
  // Messages to alice (a test may have bob write to her) are not at stake.
  std::vector<seen_message> sent_by_alice;
  for (auto& message : read_replay(*resume))
    if (message.type != "incoming_message")
      sent_by_alice.push_back(std::move(message));
  REQUIRE(sent_by_alice.size() == static_cast<std::size_t>(markers_sent));
  for (int i = 0; i < markers_sent; ++i) {
    CHECK(sent_by_alice[i].type == "outgoing_message");
    CHECK(sent_by_alice[i].content == "marker " + std::to_string(i + 1));
  }
}

void check_error_reply(ws_client& client, const std::string& frame,
                       const std::string& code,
                       const std::string& client_msg_id) {
  INFO(
      "frame: " << (frame.size() > 200 ? frame.substr(0, 200) + "..." : frame));
  client.send_text(frame);
  auto reply = client.read_json(expected_frame_timeout);
  REQUIRE(reply);
  CHECK(string_member(*reply, "type") == "error");
  CHECK(string_member(*reply, "code") == code);
  CHECK_FALSE(string_member(*reply, "message").value_or("").empty());
  if (client_msg_id.empty())
    CHECK_FALSE(reply->HasMember("client_msg_id"));
  else
    CHECK(string_member(*reply, "client_msg_id") == client_msg_id);
}

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

std::string message_frame(std::int64_t recipient, std::string_view content,
                          std::string_view client_msg_id) {
  auto frame = R"({"type":"private_message","recipient_id":)" +
               std::to_string(recipient) + R"(,"content":)" +
               json_string(content);
  if (!client_msg_id.empty())
    frame += R"(,"client_msg_id":)" + json_string(client_msg_id);
  return frame + "}";
}

std::vector<seen_message>
full_history(unsigned short port, const std::string& token, std::int64_t with) {
  std::vector<seen_message> all;
  std::string before;
  for (;;) {
    auto target = "/messages?with=" + std::to_string(with) +
                  "&limit=" + std::to_string(history_page_rows) + before;
    auto response =
        http_request("127.0.0.1", port, "GET", target, {}, bearer(token));
    if (response.status != 200)
      throw std::runtime_error("GET " + target + " answered " +
                               std::to_string(response.status) + ": " +
                               response.body);
    auto body = parse_json(response.body);
    if (!body.IsObject() || !body.HasMember("messages") ||
        !body["messages"].IsArray())
      throw std::runtime_error("unexpected history body: " + response.body);
    const auto& page = body["messages"];
    for (const auto& row : page.GetArray())
      all.push_back(seen_from(row, "history"));
    if (page.Empty()) break;
    before = "&before_id=" + std::to_string(all.back().id);
  }
  std::reverse(all.begin(), all.end());
  return all;
}

std::vector<seen_message> read_replay(ws_client& client) {
  std::vector<seen_message> replayed;
  for (;;) {
    auto frame = client.read_json(expected_frame_timeout);
    if (!frame) throw std::runtime_error("no sync_complete in time");
    auto type = string_member(*frame, "type").value_or("");
    if (type == "sync_complete") return replayed;
    replayed.push_back(seen_from(*frame, type));
  }
}

} // namespace parley::testing
