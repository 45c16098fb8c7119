// The hashing pool: real argon2id in helper processes (this executable,
// started with hash_helper_flag) or on the workers' threads, a bounded
// queue, a lower CPU priority in a session of its own, and workers that
// stay busy past a deadline.
#define DOCTEST_CONFIG_IMPLEMENT
#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <dirent.h>
#include <fstream>
#include <mutex>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include "actors/hash_helper.hpp"
#include "actors/hashing.hpp"
#include "proto/error_code.hpp"
#include "proto/type_ids.hpp"

using namespace parley;

namespace {

struct parley_config : caf::actor_system_config {
  parley_config() { add_message_types<caf::id_block::parley>(); }
};

constexpr auto hashing_wait = std::chrono::seconds(30);

/// How long a probe waits for an event the test causes; a hang guard.
constexpr auto probe_wait = std::chrono::seconds(30);

/// Sees each job from its worker's thread: the order of starts and ends. A
/// job waits in job_started until the test lets it go, so a test can keep a
/// worker busy for as long as it needs without sleeping.
class worker_probe : public hashing_observer {
public:
  /// Jobs up to number `let_through` (1-based) run at once; the rest wait
  /// for let_through() or until `running_together` jobs run at once.
  worker_probe(int let_through, int running_together)
      : let_through_(let_through)
      , together_(running_together) {}

  void job_started() override {
    std::unique_lock<std::mutex> lock{mutex_};
    auto number = ++started_;
    events_.push_back("start " + std::to_string(number));
    ++running_;
    changed_.notify_all();
    changed_.wait_for(lock, probe_wait, [&] {
      return number <= let_through_ || running_ >= together_;
    });
    finishing_.push_back(number);
  }

  void job_finished() override {
    std::lock_guard<std::mutex> lock{mutex_};
    --running_;
    events_.push_back("end " + std::to_string(finishing_.front()));
    finishing_.erase(finishing_.begin());
    changed_.notify_all();
  }

  /// Lets jobs up to number `n` run.
  void let_through(int n) {
    std::lock_guard<std::mutex> lock{mutex_};
    let_through_ = n;
    changed_.notify_all();
  }

  /// Waits until `n` jobs have started; false after probe_wait.
  bool wait_started(int n) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, probe_wait, [&] { return started_ >= n; });
  }

  /// Waits until no job runs; false after probe_wait.
  bool wait_idle() {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, probe_wait, [&] { return running_ == 0; });
  }

  /// "start N" and "end N" in the order they happened.
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock{mutex_};
    return events_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int let_through_;
  int together_;
  int running_ = 0;
  int started_ = 0;
  std::vector<int> finishing_;
  std::vector<std::string> events_;
};

/// What /proc says about a child process of this one.
struct child_process {
  int pid = 0;
  int session = 0;       ///< field 6 of stat
  int nice = 0;          ///< field 19 of stat
  std::string autogroup; ///< /proc/PID/autogroup; empty without autogroup
};

/// The running child processes of this process: the hashing helpers.
std::vector<child_process> children() {
  std::vector<child_process> found;
  auto* dir = opendir("/proc");
  REQUIRE(dir != nullptr);
  while (auto* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::string base = std::string("/proc/") + entry->d_name;
    std::ifstream in(base + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    auto after_name = text.rfind(')');
    if (after_name == std::string::npos) continue; // it just ended
    std::istringstream fields(text.substr(after_name + 1));
    std::vector<std::string> values(1); // field 3 (state) first
    for (std::string field; fields >> field;)
      values.push_back(field);
    auto field = [&](std::size_t n) { return std::stoi(values.at(n - 2)); };
    if (values.size() < 19 || values[1] == "Z" || field(4) != getpid())
      continue;
    child_process child;
    child.pid = std::stoi(entry->d_name);
    child.session = field(6);
    child.nice = field(19);
    std::ifstream group(base + "/autogroup");
    std::getline(group, child.autogroup);
    found.push_back(child);
  }
  closedir(dir);
  return found;
}

/// A pool configuration whose workers hash in helper processes.
hashing_config with_helpers(std::size_t workers, std::size_t max_queued) {
  hashing_config config{workers, max_queued};
  config.helper_executable = "/proc/self/exe";
  return config;
}

struct hashing_fixture {
  parley_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  std::string hash(const hasher_actor& pool, const std::string& password) {
    std::string result;
    self->request(pool, hashing_wait, hash_atom::value, password)
        .receive([&](std::string& x) { result = std::move(x); },
                 [&](caf::error& err) { FAIL(to_string(err)); });
    return result;
  }

  bool verify(const hasher_actor& pool, const std::string& hash,
              const std::string& password) {
    bool result = false;
    self->request(pool, hashing_wait, verify_atom::value, hash, password)
        .receive([&](bool x) { result = x; },
                 [&](caf::error& err) { FAIL(to_string(err)); });
    return result;
  }
};

} // namespace

TEST_CASE_FIXTURE(hashing_fixture,
                  "a hashed password verifies and a wrong one does not, in "
                  "a helper and on a worker's thread") {
  bool in_helper = false;
  SUBCASE("in a helper") {
    in_helper = true;
  }
  SUBCASE("on a worker's thread") {}
  auto pool = sys.spawn(hashing_impl,
                        in_helper ? with_helpers(1, 4) : hashing_config{1, 4});
  auto stored = hash(pool, "correct horse");
  CHECK(stored.rfind("$argon2id$", 0) == 0);
  CHECK(stored.find("correct horse") == std::string::npos);
  CHECK(verify(pool, stored, "correct horse"));
  CHECK_FALSE(verify(pool, stored, "correct horsf"));
  CHECK_FALSE(verify(pool, stored, ""));
  CHECK_FALSE(verify(pool, "not a hash", "correct horse"));
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(hashing_fixture,
                  "a full hashing queue answers overloaded instead of "
                  "growing") {
  // One worker busy, one job queued: the third request finds no room.
  auto pool = sys.spawn(hashing_impl, hashing_config{1, 1});
  for (int i = 0; i < 3; ++i)
    self->send(pool, hash_atom::value, std::string{"password"});
  int hashed = 0;
  int overloaded = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([&](std::string&) { ++hashed; },
                  [&](caf::error& err) {
                    if (code_of(err) == error_code::overloaded) ++overloaded;
                  },
                  caf::after(hashing_wait) >> [] { FAIL("no answer"); });
  CHECK(hashed == 2);
  CHECK(overloaded == 1);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(hashing_fixture,
                  "hashing runs in helper processes, each in a session of "
                  "its own at a lower CPU priority") {
  // Both jobs wait until both run, so each is on its own worker; once both
  // are answered, both helpers have set themselves up.
  auto probe = std::make_shared<worker_probe>(0, 2);
  auto config = with_helpers(2, 4);
  config.observer = probe;
  auto pool = sys.spawn(hashing_impl, config);
  auto first =
      self->request(pool, hashing_wait, hash_atom::value, std::string{"one"});
  auto second =
      self->request(pool, hashing_wait, hash_atom::value, std::string{"two"});
  for (auto* reply : {&first, &second})
    reply->receive(
        [](std::string& hash) { CHECK(hash.rfind("$argon2id$", 0) == 0); },
        [](caf::error& err) { FAIL(to_string(err)); });
  auto helpers = children();
  REQUIRE(helpers.size() == 2);
  for (auto& helper : helpers) {
    CAPTURE(helper.pid);
    CHECK(helper.nice == hash_helper_nice);
    // A session of its own is a scheduling group of its own (autogroup),
    // with a smaller share of the CPU than the node's.
    CHECK(helper.session == helper.pid);
    CHECK(helper.session != getsid(0));
    if (!helper.autogroup.empty())
      CHECK(helper.autogroup.find("nice " + std::to_string(hash_helper_nice)) !=
            std::string::npos);
  }
  // Nothing of the node itself was lowered.
  CHECK(getpriority(PRIO_PROCESS, 0) == 0);
  CHECK(sched_getscheduler(0) == SCHED_OTHER);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(hashing_fixture,
                  "a helper that died is replaced without failing the job") {
  auto pool = sys.spawn(hashing_impl, with_helpers(1, 4));
  auto stored = hash(pool, "correct horse");
  auto before = children();
  REQUIRE(before.size() == 1);
  // The worker reaps it; killing it is enough.
  REQUIRE(kill(before.front().pid, SIGKILL) == 0);
  CHECK(verify(pool, stored, "correct horse"));
  auto after = children();
  REQUIRE(after.size() == 1);
  CHECK(after.front().pid != before.front().pid);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(hashing_fixture,
                  "a worker whose job timed out takes no other job until "
                  "that job ends") {
  // One worker; every job waits for the test, so the deadline always wins.
  auto probe = std::make_shared<worker_probe>(0, 2);
  auto config = with_helpers(1, 1);
  config.worker_timeout = std::chrono::milliseconds(50);
  config.observer = probe;
  auto pool = sys.spawn(hashing_impl, config);
  auto is_timeout = [](caf::error& err) {
    CHECK(err == caf::sec::request_timeout);
  };
  auto no_hash = [](std::string&) { FAIL("a held job answered"); };

  auto first = self->request(pool, hashing_wait, hash_atom::value,
                             std::string{"first password"});
  first.receive(no_hash, is_timeout);
  // The worker still computes the first job: the second waits in the
  // queue and the third finds it full.
  auto second = self->request(pool, hashing_wait, hash_atom::value,
                              std::string{"second password"});
  auto third = self->request(pool, hashing_wait, hash_atom::value,
                             std::string{"third password"});
  third.receive(no_hash, [](caf::error& err) {
    CHECK(code_of(err) == error_code::overloaded);
  });
  REQUIRE(probe->wait_started(1));
  CHECK(probe->events() == std::vector<std::string>{"start 1"});

  // The first job ends; only then does the second start (and time out).
  probe->let_through(1);
  second.receive(no_hash, is_timeout);
  REQUIRE(probe->wait_started(2));
  CHECK(probe->events() ==
        std::vector<std::string>{"start 1", "end 1", "start 2"});

  // Once the second ends too, the worker is back in the pool.
  probe->let_through(3);
  REQUIRE(probe->wait_idle());
  auto fourth = self->request(pool, hashing_wait, verify_atom::value,
                              std::string{"not a hash"}, std::string{"x"});
  CHECK(probe->wait_started(3));
  fourth.receive([](bool) {}, [](caf::error&) {});
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

int main(int argc, char** argv) {
  // The pools above start this executable as their hashing helper.
  if (auto status = run_hash_helper_if_asked(argc, argv)) return *status;
  return doctest::Context(argc, argv).run();
}
