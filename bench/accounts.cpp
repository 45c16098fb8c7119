// Sign-up and login. Each user is a small job: sign up (when new), log in,
// read id and token. Overload (503), rate limits (429) and failed
// connections are retried with growing pauses; a taken username means the
// account exists already, which is fine: its password is derived from its
// name.
#include "bench/accounts.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bench/client/http.hpp"

namespace parley::bench {

namespace {

/// Retries of one request before the run gives up on it.
constexpr int max_attempts = 30;
constexpr auto first_backoff = std::chrono::milliseconds(50);
constexpr auto max_backoff = std::chrono::milliseconds(2000);

/// Sign-up of 20,000 users at ~25 hashes/s takes long; this is a hang guard.
constexpr auto ensure_deadline = std::chrono::hours(2);
constexpr auto progress_interval = std::chrono::seconds(5);

enum class step { signup, login };

struct job {
  std::uint32_t user = 0;
  step next = step::login;
  bool signed_up = false;
  int attempts = 0;
};

std::string credentials_body(const std::string& username) {
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

bool retryable(const http_result& r) {
  return r.status == 0 || r.status == 503 || r.status == 429;
}

/// "" when a health check answered 200, else what it met.
std::string health_problem(const std::optional<http_result>& answer,
                           const char* path) {
  if (!answer) return std::string("no answer to GET ") + path;
  if (answer->status == 200) return {};
  if (answer->status == 0)
    return std::string("GET ") + path + ": " + answer->error;
  return std::string("GET ") + path + " answered " +
         std::to_string(answer->status) + " (wrong --protocol?)";
}

/// Reads {"access_token", "expires_at"?, "user":{"id"}} into `user`.
bool read_login(const std::string& body, bench_user& user) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto token = doc.FindMember("access_token");
  auto who = doc.FindMember("user");
  if (token == doc.MemberEnd() || !token->value.IsString() ||
      who == doc.MemberEnd() || !who->value.IsObject())
    return false;
  auto id = who->value.FindMember("id");
  if (id == who->value.MemberEnd() || !id->value.IsInt64()) return false;
  user.token = token->value.GetString();
  user.id = id->value.GetInt64();
  user.expires_unix_s = 0; // unknown unless the server says
  auto expires = doc.FindMember("expires_at");
  if (expires != doc.MemberEnd() && expires->value.IsString())
    if (auto t = parse_rfc3339_utc(expires->value.GetString()))
      user.expires_unix_s = *t;
  return true;
}

} // namespace

struct account_desk::state {
  event_loop& loop;
  protocol_kind protocol;
  bool verbose;
  std::vector<std::unique_ptr<http_client>> clients;
  std::vector<bench_user>* users = nullptr;
  std::vector<job> jobs;
  std::size_t next_job = 0;
  std::size_t finished = 0;
  std::string error;

  state(event_loop& l, protocol_kind p, std::uint32_t parallelism, bool v)
      : loop(l)
      , protocol(p)
      , verbose(v) {
    for (std::uint32_t i = 0; i < parallelism; ++i)
      clients.push_back(
          std::make_unique<http_client>(loop, i % loop.target_count()));
  }

  /// Client `worker` takes the next job, if any.
  void pick(std::size_t worker) {
    if (next_job >= jobs.size() || !error.empty()) return;
    run(worker, jobs[next_job++]);
  }

  void run(std::size_t worker, job& j) {
    auto& user = (*users)[j.user];
    auto target = j.next == step::signup ? "/users" : "/login";
    clients[worker]->request(
        "POST", target, credentials_body(user.username),
        [this, worker, &j](http_result r) { on_answer(worker, j, r); });
  }

  void on_answer(std::size_t worker, job& j, const http_result& r) {
    auto& user = (*users)[j.user];
    if (retryable(r) && ++j.attempts < max_attempts) {
      auto pause = std::min<std::chrono::milliseconds>(
          first_backoff * (1 << std::min(j.attempts, 6)), max_backoff);
      loop.after(pause, [this, worker, &j] { run(worker, j); });
      return;
    }
    if (j.next == step::signup && (r.status == 201 || r.status == 409)) {
      j.next = step::login;
      j.signed_up = true;
      j.attempts = 0;
      return run(worker, j);
    }
    // An unknown account (a fresh database behind an old users file) gets
    // signed up once.
    if (j.next == step::login && r.status == 401 && !j.signed_up) {
      j.next = step::signup;
      j.attempts = 0;
      return run(worker, j);
    }
    if (j.next == step::login && r.status == 200 && read_login(r.body, user))
      return done(worker);
    if (error.empty())
      error = user.username + ": " +
              (j.next == step::signup ? "sign-up" : "login") + " answered " +
              (r.status ? std::to_string(r.status) + " " + r.body : r.error);
    done(worker);
  }

  void done(std::size_t worker) {
    ++finished;
    pick(worker);
  }
};

account_desk::account_desk(event_loop& loop, protocol_kind protocol,
                           std::uint32_t parallelism, bool verbose)
    : self_(std::make_unique<state>(loop, protocol, parallelism, verbose)) {}

account_desk::~account_desk() = default;

std::string account_desk::ensure(std::vector<bench_user>& users,
                                 const std::vector<std::uint32_t>& which) {
  auto& s = *self_;
  s.users = &users;
  s.jobs.clear();
  for (auto index : which) {
    job j;
    j.user = index;
    j.next = users[index].id == 0 ? step::signup : step::login;
    s.jobs.push_back(j);
  }
  s.next_job = s.finished = 0;
  s.error.clear();
  for (std::size_t w = 0; w < s.clients.size(); ++w)
    s.pick(w);
  auto deadline = std::chrono::steady_clock::now() + ensure_deadline;
  auto started = std::chrono::steady_clock::now();
  while (true) {
    auto report_at = std::chrono::steady_clock::now() + progress_interval;
    // Jobs stop being picked after an error; wait for those in flight.
    auto all_done = [&s] {
      bool idle = std::none_of(s.clients.begin(), s.clients.end(),
                               [](auto& c) { return c->busy(); });
      return s.finished == s.jobs.size() || (!s.error.empty() && idle);
    };
    if (s.loop.run_until(all_done, std::min(report_at, deadline))) break;
    if (std::chrono::steady_clock::now() >= deadline)
      return "sign-up and login did not finish in time";
    if (s.verbose)
      std::fprintf(stderr, "parley-bench: accounts ready %zu/%zu (%.0f s)\n",
                   s.finished, s.jobs.size(),
                   std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count());
  }
  return s.error;
}

std::string account_desk::check_health() {
  auto& s = *self_;
  auto path = s.protocol == protocol_kind::parley ? "/healthz" : "/health";
  auto targets = s.loop.target_count();
  // One fresh client per target, all asking at once; each answer is shared
  // with its callback, which may outlive this call on a timeout.
  std::vector<std::unique_ptr<http_client>> askers;
  std::vector<std::shared_ptr<std::optional<http_result>>> answers;
  for (std::uint32_t t = 0; t < targets; ++t) {
    askers.push_back(std::make_unique<http_client>(s.loop, t));
    answers.push_back(std::make_shared<std::optional<http_result>>());
    askers.back()->request(
        "GET", path, "",
        [answer = answers.back()](http_result r) { *answer = std::move(r); });
  }
  auto all_answered = [&answers] {
    return std::all_of(answers.begin(), answers.end(),
                       [](auto& a) { return a->has_value(); });
  };
  s.loop.run_until(all_answered,
                   std::chrono::steady_clock::now() + std::chrono::seconds(40));
  for (std::uint32_t t = 0; t < targets; ++t) {
    auto problem = health_problem(*answers[t], path);
    if (problem.empty()) continue;
    return targets > 1 ? s.loop.target_name(t) + ": " + problem : problem;
  }
  return {};
}

} // namespace parley::bench
