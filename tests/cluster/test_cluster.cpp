// A cluster of real parley processes (see test_cluster.hpp).
#include "tests/cluster/test_cluster.hpp"

#include <algorithm>
#include <csignal>
#include <stdexcept>
#include <thread>

#include <rapidjson/document.h>

#include "tests/support/json_body.hpp"

namespace parley::testing {

namespace {

/// /readyz is polled this often while nodes find each other.
constexpr auto poll_interval = std::chrono::milliseconds(100);

} // namespace

test_cluster::test_cluster(std::size_t nodes,
                           std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  if (test_backend() != "postgresql")
    throw std::runtime_error("cluster tests need PARLEY_TEST_BACKEND="
                             "postgresql (cluster mode is PostgreSQL only)");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < nodes; ++i) {
    add_node();
    names.push_back("node" + std::to_string(i));
  }
  for (std::size_t i = 0; i < nodes; ++i)
    if (!wait_for_members(i, names))
      throw std::runtime_error("node" + std::to_string(i) +
                               " did not see all members in time");
}

node_process& test_cluster::node(std::size_t i) {
  if (i >= nodes_.size() || !nodes_[i])
    throw std::runtime_error("no node " + std::to_string(i));
  return *nodes_[i];
}

std::vector<std::string>
test_cluster::node_args(const std::string& name) const {
  std::vector<std::string> args{"--db",
                                database_.url(),
                                "--token-key-file",
                                key_.path(),
                                "--cluster-listen",
                                "127.0.0.1:0",
                                "--node-name",
                                name};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  return args;
}

std::string test_cluster::admin_target(std::size_t i) {
  auto admin = node(i).admin_port();
  if (!admin) throw std::runtime_error("a node without an admin listener");
  return "127.0.0.1:" + std::to_string(*admin);
}

std::size_t test_cluster::add_node() {
  auto index = nodes_.size();
  nodes_.push_back(std::make_unique<node_process>(
      node_args("node" + std::to_string(index))));
  return index;
}

std::string test_cluster::logs() const {
  std::string text;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]) continue;
    text += "--- node" + std::to_string(i) + " stdout:\n" +
            nodes_[i]->stdout_text() + "--- node" + std::to_string(i) +
            " stderr:\n" + nodes_[i]->stderr_text();
  }
  return text;
}

void test_cluster::restart(std::size_t i) {
  nodes_.at(i).reset();
  nodes_[i] =
      std::make_unique<node_process>(node_args("node" + std::to_string(i)));
}

void test_cluster::signal(std::size_t i, int signal) {
  node(i).send_signal(signal);
  if (signal == SIGKILL || signal == SIGTERM)
    node(i).wait_exit(std::chrono::seconds(30));
}

std::optional<std::vector<std::string>> test_cluster::members(std::size_t i) {
  auto response = http_request("127.0.0.1", port(i), "GET", "/readyz");
  if (response.status != 200) return std::nullopt;
  auto doc = parse_json(response.body);
  std::vector<std::string> names;
  if (!doc.HasMember("members") || !doc["members"].IsArray())
    return std::nullopt;
  for (const auto& name : doc["members"].GetArray())
    names.emplace_back(name.GetString());
  return names;
}

bool test_cluster::wait_for_members(std::size_t i,
                                    std::vector<std::string> expected) {
  std::sort(expected.begin(), expected.end());
  auto deadline = std::chrono::steady_clock::now() + membership_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto seen = members(i)) {
      std::sort(seen->begin(), seen->end());
      if (*seen == expected) return true;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  return false;
}

logged_in_user test_cluster::make_user(std::size_t i, const std::string& name) {
  return register_and_login(port(i), name, "password-of-" + name);
}

std::unique_ptr<ws_client> test_cluster::connect(std::size_t i,
                                                 const logged_in_user& user,
                                                 const std::string& query) {
  return ws_client::open("127.0.0.1", port(i), "/ws" + query,
                         bearer(user.token));
}

seen_frame next_message_frame(ws_client& client,
                              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto doc = client.read_json(left);
    if (!doc) break;
    auto type = string_member(*doc, "type");
    if (!type || (*type != "incoming_message" && *type != "outgoing_message" &&
                  *type != "message_sent"))
      continue;
    seen_frame frame;
    frame.type = *type;
    frame.id = int_member(*doc, "id").value_or(0);
    frame.sender_id = int_member(*doc, "sender_id").value_or(0);
    frame.recipient_id = int_member(*doc, "recipient_id").value_or(0);
    frame.content = string_member(*doc, "content").value_or("");
    frame.client_msg_id = string_member(*doc, "client_msg_id").value_or("");
    return frame;
  }
  throw std::runtime_error("no message frame in time");
}

std::string send_frame(std::int64_t recipient, const std::string& content,
                       const std::string& client_msg_id) {
  std::string frame = R"({"type":"private_message","recipient_id":)" +
                      std::to_string(recipient) + R"(,"content":")" + content +
                      "\"";
  if (!client_msg_id.empty())
    frame += R"(,"client_msg_id":")" + client_msg_id + "\"";
  return frame + "}";
}

} // namespace parley::testing
