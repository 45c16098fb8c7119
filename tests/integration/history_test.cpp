// GET /messages: one conversation of the caller, newest first, paged with
// before_id, limited to 50 by default and 200 at most; only the caller's
// own conversations; strict query parameters.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/integration/chat_frames.hpp"
#include "tests/integration/running_node.hpp"
#include "tests/support/accounts.hpp"
#include "tests/support/json_body.hpp"

using namespace parley::testing;

namespace {

/// One history entry, as the API returned it.
struct history_entry {
  std::int64_t id = 0;
  std::int64_t sender_id = 0;
  std::int64_t recipient_id = 0;
  std::string content;
};

/// Alice and Bob, each with a connection.
struct conversation {
  running_node node;
  logged_in_user alice =
      register_and_login(node.port(), "alice", "password-of-alice");
  logged_in_user bob =
      register_and_login(node.port(), "bob", "password-of-bob");
  std::unique_ptr<ws_client> alice_ws = connect_with_header(node, alice);
  std::unique_ptr<ws_client> bob_ws = connect_with_header(node, bob);

  /// Sends `count` messages on `ws` to `recipient` all at once, then reads
  /// their acks (skipping the messages the connection receives meanwhile);
  /// the ids in content order: "<prefix> 0", "<prefix> 1", ...
  static std::vector<std::int64_t>
  send_many(ws_client& ws, std::int64_t recipient, int count,
            const std::string& prefix,
            std::map<std::int64_t, std::string>& contents) {
    for (int i = 0; i < count; ++i)
      ws.send_text(private_message(recipient, prefix + " " + std::to_string(i),
                                   prefix + "-" + std::to_string(i)));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(count));
    for (int acked = 0; acked < count;) {
      auto frame = next_frame(ws);
      if (type_of(frame) != "message_sent") continue;
      auto cid = string_member(frame, "client_msg_id").value_or("");
      auto index = std::stoi(cid.substr(prefix.size() + 1));
      ids[static_cast<std::size_t>(index)] = id_of(frame);
      contents[id_of(frame)] = prefix + " " + std::to_string(index);
      ++acked;
    }
    return ids;
  }

  /// `rounds` rounds of three messages from Alice and two from Bob; every
  /// id, ascending, and what each one says.
  std::vector<std::int64_t>
  chat(int rounds, std::map<std::int64_t, std::string>& contents) {
    std::vector<std::int64_t> all;
    for (int round = 0; round < rounds; ++round) {
      auto r = std::to_string(round);
      for (auto id : send_many(*alice_ws, bob.id, 3, "alice" + r, contents))
        all.push_back(id);
      for (auto id : send_many(*bob_ws, alice.id, 2, "bob" + r, contents))
        all.push_back(id);
    }
    std::sort(all.begin(), all.end());
    return all;
  }

  /// GET `target` as `who`; fails the test unless it answers 200.
  std::vector<history_entry> history(const logged_in_user& who,
                                     const std::string& target) const {
    auto response = node.get(target, bearer(who.token));
    INFO(target << " answered " << response.status << ": " << response.body);
    REQUIRE(response.status == 200);
    auto body = parse_json(response.body);
    REQUIRE(member_names(body) == std::set<std::string>{"messages"});
    REQUIRE(body["messages"].IsArray());
    std::vector<history_entry> entries;
    for (const auto& item : body["messages"].GetArray()) {
      CHECK(member_names(item) == std::set<std::string>{"id", "sender_id",
                                                        "recipient_id",
                                                        "content", "sent_at"});
      CHECK(
          is_utc_millis_timestamp(string_member(item, "sent_at").value_or("")));
      entries.push_back({id_of(item), int_member(item, "sender_id").value_or(0),
                         int_member(item, "recipient_id").value_or(0),
                         string_member(item, "content").value_or("")});
    }
    return entries;
  }
};

std::string with(std::int64_t user) {
  return "/messages?with=" + std::to_string(user);
}

std::vector<std::int64_t> ids_of(const std::vector<history_entry>& entries) {
  std::vector<std::int64_t> ids;
  for (const auto& entry : entries)
    ids.push_back(entry.id);
  return ids;
}

/// The newest `count` of `ascending`, newest first.
std::vector<std::int64_t> newest(const std::vector<std::int64_t>& ascending,
                                 std::size_t count) {
  std::vector<std::int64_t> result(ascending.rbegin(), ascending.rend());
  result.resize(std::min(count, result.size()));
  return result;
}

} // namespace

TEST_CASE("history is the conversation in both directions, newest first, "
          "50 by default, paged by before_id") {
  conversation c;
  std::map<std::int64_t, std::string> contents;
  auto all = c.chat(11, contents);
  REQUIRE(all.size() == 55);

  auto first = c.history(c.alice, with(c.bob.id));
  CHECK(ids_of(first) == newest(all, 50));
  std::set<std::int64_t> senders;
  for (const auto& entry : first) {
    INFO("id " << entry.id);
    CHECK(entry.content == contents[entry.id]);
    auto from_alice = entry.content.rfind("alice", 0) == 0;
    CHECK(entry.sender_id == (from_alice ? c.alice.id : c.bob.id));
    CHECK(entry.recipient_id == (from_alice ? c.bob.id : c.alice.id));
    senders.insert(entry.sender_id);
  }
  CHECK(senders.size() == 2);

  auto second = c.history(c.alice, with(c.bob.id) + "&before_id=" +
                                       std::to_string(first.back().id));
  CHECK(ids_of(second) ==
        std::vector<std::int64_t>(all.rend() - 5, all.rend()));
  auto third = c.history(c.alice, with(c.bob.id) + "&before_id=" +
                                      std::to_string(second.back().id));
  CHECK(third.empty());

  // Bob sees the same conversation from his side.
  CHECK(ids_of(c.history(c.bob, with(c.alice.id))) == newest(all, 50));
}

TEST_CASE("pages of a chosen limit cover the conversation exactly once") {
  conversation c;
  std::map<std::int64_t, std::string> contents;
  auto all = c.chat(9, contents);
  REQUIRE(all.size() == 45);
  std::vector<std::int64_t> walked;
  std::vector<std::size_t> page_sizes;
  std::string before;
  for (int page = 0; page < 10; ++page) {
    auto entries = c.history(c.bob, with(c.alice.id) + "&limit=20" + before);
    page_sizes.push_back(entries.size());
    if (entries.empty()) break;
    for (auto id : ids_of(entries))
      walked.push_back(id);
    before = "&before_id=" + std::to_string(entries.back().id);
  }
  CHECK(page_sizes == std::vector<std::size_t>{20, 20, 5, 0});
  CHECK(walked == newest(all, all.size()));
}

TEST_CASE("limit is capped at 200") {
  conversation c;
  std::map<std::int64_t, std::string> contents;
  auto sent =
      conversation::send_many(*c.alice_ws, c.bob.id, 201, "many", contents);
  std::sort(sent.begin(), sent.end());
  CHECK(ids_of(c.history(c.alice, with(c.bob.id) + "&limit=500")) ==
        newest(sent, 200));
  CHECK(ids_of(c.history(c.alice, with(c.bob.id) + "&limit=200")) ==
        newest(sent, 200));
  CHECK(ids_of(c.history(c.alice, with(c.bob.id) + "&limit=1")) ==
        newest(sent, 1));
  CHECK(c.history(c.alice, with(c.bob.id)).size() == 50);
}

TEST_CASE("history holds only the caller's own conversation with that user") {
  conversation c;
  auto carol = register_and_login(c.node.port(), "carol", "password-of-carol");
  auto carol_ws = connect_with_header(c.node, carol);
  auto alice_to_bob = send_and_ack(*c.alice_ws, c.bob.id, "alice to bob");
  expect_next(*c.bob_ws, "incoming_message", alice_to_bob);
  auto bob_to_alice = send_and_ack(*c.bob_ws, c.alice.id, "bob to alice");
  expect_next(*c.alice_ws, "incoming_message", bob_to_alice);
  auto alice_to_carol = send_and_ack(*c.alice_ws, carol.id, "alice to carol");
  expect_next(*carol_ws, "incoming_message", alice_to_carol);
  auto carol_to_alice = send_and_ack(*carol_ws, c.alice.id, "carol to alice");

  CHECK(ids_of(c.history(carol, with(c.alice.id))) ==
        std::vector<std::int64_t>{carol_to_alice, alice_to_carol});
  CHECK(c.history(carol, with(c.bob.id)).empty());
  CHECK(c.history(c.bob, with(carol.id)).empty());
  CHECK(ids_of(c.history(c.alice, with(carol.id))) ==
        std::vector<std::int64_t>{carol_to_alice, alice_to_carol});
  CHECK(ids_of(c.history(c.alice, with(c.bob.id))) ==
        std::vector<std::int64_t>{bob_to_alice, alice_to_bob});
}

TEST_CASE("a before_id above every id gives the newest page") {
  conversation c;
  auto id = send_and_ack(*c.alice_ws, c.bob.id, "only one");
  CHECK(ids_of(c.history(c.alice, with(c.bob.id) + "&before_id=" +
                                      std::to_string(id + 1000))) ==
        std::vector<std::int64_t>{id});
  CHECK(c.history(c.alice, with(c.bob.id) + "&before_id=" + std::to_string(id))
            .empty());
}

TEST_CASE("a missing or malformed with, before_id or limit is refused with "
          "400") {
  conversation c;
  auto bob = std::to_string(c.bob.id);
  const std::vector<std::string> targets{
      "/messages",
      "/messages?with=",
      "/messages?with=abc",
      "/messages?with=0",
      "/messages?with=-1",
      "/messages?with=1.5",
      "/messages?with=99999999999999999999",
      "/messages?before_id=1",
      "/messages?with=" + bob + "&before_id=x",
      "/messages?with=" + bob + "&before_id=0",
      "/messages?with=" + bob + "&before_id=-4",
      "/messages?with=" + bob + "&limit=0",
      "/messages?with=" + bob + "&limit=-3",
      "/messages?with=" + bob + "&limit=ten",
      "/messages?with=" + bob + "&limit="};
  for (const auto& target : targets) {
    auto response = c.node.get(target, bearer(c.alice.token));
    INFO(target << " answered " << response.status << ": " << response.body);
    CHECK(response.status == 400);
    CHECK(error_code_of(response.body) == "invalid_request");
  }
}

TEST_CASE("history needs a valid token") {
  conversation c;
  auto target = with(c.bob.id);
  auto none = c.node.get(target);
  CHECK(none.status == 401);
  CHECK(error_code_of(none.body) == "unauthorized");
  auto bad = c.node.get(target, bearer(c.alice.token + "x"));
  CHECK(bad.status == 401);
  CHECK(error_code_of(bad.body) == "unauthorized");
  auto garbage = c.node.get(target, {{"Authorization", "Basic YWxpY2U6eA=="}});
  CHECK(garbage.status == 401);
  CHECK(error_code_of(garbage.body) == "unauthorized");
  // The token may also travel in the query.
  CHECK(c.node.get(target + "&access_token=" + c.alice.token).status == 200);
}
