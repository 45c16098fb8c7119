// The login clients of --login-burst. A server whose hashing queue is full
// answers 503 at once; those clients try again after a growing pause (as
// people pressing "log in" again would), so that the burst keeps the
// hashing pool busy without turning into a flood of rejected requests.
#include "bench/login_burst.hpp"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bench/client/http.hpp"
#include "bench/clock.hpp"

namespace parley::bench {

namespace {

constexpr auto first_backoff = std::chrono::milliseconds(50);
constexpr auto max_backoff = std::chrono::milliseconds(2000);

std::string login_body(const std::string& username) {
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> out(text);
  out.StartObject();
  out.Key("username");
  out.String(username.c_str());
  out.Key("password");
  out.String(password_for(username).c_str());
  out.EndObject();
  return text.GetString();
}

/// One client: a keep-alive connection and the login it is working on.
struct login_client {
  std::unique_ptr<http_client> http;
  std::int64_t started_ns = 0; ///< first try of the current login
  int retries = 0;
  bool in_flight = false; ///< a request or a pause before one
};

} // namespace

struct login_burst::state : std::enable_shared_from_this<state> {
  event_loop& loop;
  std::vector<std::string> usernames;
  std::vector<login_client> clients;
  std::size_t next_user = 0;
  bool running = false;
  login_counts counts;
  latency_histogram latency;

  state(event_loop& l, const std::vector<bench_user>& users,
        std::uint32_t client_count)
      : loop(l) {
    for (auto& user : users)
      usernames.push_back(user.username);
    counts.clients = client_count;
    clients.resize(usernames.empty() ? 0 : client_count);
    // Spread over the targets like sign-ups: any node can log anyone in.
    for (std::size_t i = 0; i < clients.size(); ++i)
      clients[i].http = std::make_unique<http_client>(
          loop, static_cast<std::uint32_t>(i % loop.target_count()));
  }

  /// Client `i` starts a new login as the next user.
  void begin(std::size_t i) {
    auto& client = clients[i];
    client.started_ns = now_ns();
    client.retries = 0;
    send(i, usernames[next_user++ % usernames.size()]);
  }

  void send(std::size_t i, const std::string& username) {
    clients[i].in_flight = true;
    clients[i].http->request(
        "POST", "/login", login_body(username),
        [self = shared_from_this(), i, username](http_result r) {
          self->on_answer(i, username, r);
        });
  }

  void on_answer(std::size_t i, const std::string& username,
                 const http_result& r) {
    auto& client = clients[i];
    client.in_flight = false;
    if (r.status == 200) {
      ++counts.ok;
      latency.record_ns(now_ns() - client.started_ns);
    } else if (r.status == 503 || r.status == 429) {
      ++counts.overloaded;
      if (!running) return;
      // The same login again after a pause; its latency keeps counting.
      auto pause = std::min<std::chrono::milliseconds>(
          first_backoff * (1 << std::min(client.retries++, 6)), max_backoff);
      client.in_flight = true;
      loop.after(pause, [self = shared_from_this(), i, username] {
        self->clients[i].in_flight = false;
        if (self->running) self->send(i, username);
      });
      return;
    } else {
      ++counts.failed;
    }
    if (running) begin(i);
  }

  bool idle() const {
    return std::none_of(clients.begin(), clients.end(),
                        [](const login_client& c) { return c.in_flight; });
  }
};

login_burst::login_burst(event_loop& loop, const std::vector<bench_user>& users,
                         std::uint32_t clients)
    : self_(std::make_shared<state>(loop, users, clients)) {}

login_burst::~login_burst() {
  self_->running = false;
}

void login_burst::start() {
  self_->running = true;
  for (std::size_t i = 0; i < self_->clients.size(); ++i)
    self_->begin(i);
}

void login_burst::stop() {
  self_->running = false;
}

void login_burst::finish(std::chrono::steady_clock::time_point deadline) {
  auto self = self_;
  self->loop.run_until([self] { return self->idle(); }, deadline);
}

login_counts login_burst::counts() const {
  auto result = self_->counts;
  result.latency = self_->latency.summary();
  return result;
}

} // namespace parley::bench
