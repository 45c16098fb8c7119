// The accept loop's decisions: which failed accepts are retried at once,
// how the pause grows, and which failures reach the log. Times are passed
// in, never read from the clock.
#include <cerrno>
#include <string>

#include <doctest/doctest.h>

#include "gateway/server/accept_errors.hpp"

using namespace parley;
using namespace std::chrono_literals;

namespace {

using clock_type = accept_error_log::clock;

const clock_type::time_point t0{};

const std::string out_of_fds = "Too many open files";

} // namespace

TEST_CASE("a connection that failed in the backlog is retried at once") {
  for (int error : {ECONNABORTED, EPROTO, EPERM, ENETUNREACH, EHOSTUNREACH})
    CHECK(retry_for(error) == accept_retry::now);
}

TEST_CASE("running out of descriptors or memory waits before retrying") {
  for (int error : {EMFILE, ENFILE, ENOMEM, ENOBUFS})
    CHECK(retry_for(error) == accept_retry::later);
}

TEST_CASE("an unexpected accept error waits rather than spins") {
  for (int error : {EBADF, EINVAL, ENOTSOCK, 0})
    CHECK(retry_for(error) == accept_retry::later);
}

TEST_CASE("the pause doubles from 100 ms to at most 1 s and starts over "
          "after a success") {
  accept_backoff backoff;
  CHECK(backoff.next() == 100ms);
  CHECK(backoff.next() == 200ms);
  CHECK(backoff.next() == 400ms);
  CHECK(backoff.next() == 800ms);
  CHECK(backoff.next() == 1000ms);
  CHECK(backoff.next() == 1000ms);
  backoff.reset();
  CHECK(backoff.next() == 100ms);
}

TEST_CASE("accepts that keep failing log one line, then one summary per "
          "10 s") {
  accept_error_log log;
  auto first = log.failed(out_of_fds, t0);
  REQUIRE(first);
  CHECK(*first == "parley: accept failing: Too many open files");
  // Ten failures a second for 9.9 s: all quiet.
  for (int i = 1; i < 100; ++i)
    CHECK_FALSE(log.failed(out_of_fds, t0 + i * 100ms));
  auto summary = log.failed(out_of_fds, t0 + 10s);
  REQUIRE(summary);
  CHECK(*summary == "parley: accept failing: Too many open files (100 times "
                    "in the last 9.9 s)");
  CHECK_FALSE(log.failed(out_of_fds, t0 + 11s));
}

TEST_CASE("an accept that works after failures says so once") {
  accept_error_log log;
  REQUIRE(log.failed(out_of_fds, t0));
  for (int i = 1; i < 20; ++i)
    log.failed(out_of_fds, t0 + i * 100ms);
  auto recovered = log.accepted(t0 + 2500ms);
  REQUIRE(recovered);
  CHECK(*recovered ==
        "parley: accepting again after 20 failed accepts in 2.5 s");
  CHECK_FALSE(log.accepted(t0 + 2600ms));
}

TEST_CASE("a success without failures before it logs nothing") {
  accept_error_log log;
  CHECK_FALSE(log.accepted(t0));
  CHECK_FALSE(log.accepted(t0 + 1s));
}

TEST_CASE("sporadic aborted connections log at most two lines per 10 s") {
  // Each abort is followed by a working accept, as when clients reset
  // their connections before the node takes them.
  accept_error_log log;
  int lines = 0;
  for (int i = 0; i < 100; ++i) {
    auto at = t0 + i * 100ms;
    if (log.failed("Software caused connection abort", at)) ++lines;
    if (log.accepted(at + 1ms)) ++lines;
  }
  CHECK(lines == 2);
  // The failures of the quiet spells are counted in the next line.
  auto next = log.failed("Software caused connection abort", t0 + 11s);
  REQUIRE(next);
  CHECK(next->find("(100 times in the last 10.9 s)") != std::string::npos);
}

TEST_CASE("a spell that begins soon after a recovery is announced by the "
          "next summary") {
  accept_error_log log;
  REQUIRE(log.failed(out_of_fds, t0));
  REQUIRE(log.accepted(t0 + 1s));
  CHECK_FALSE(log.failed(out_of_fds, t0 + 2s));
  CHECK_FALSE(log.accepted(t0 + 3s)); // never announced, so no recovery
  CHECK_FALSE(log.failed(out_of_fds, t0 + 4s));
  auto summary = log.failed(out_of_fds, t0 + 12s);
  REQUIRE(summary);
  CHECK(*summary == "parley: accept failing: Too many open files (3 times "
                    "in the last 10.0 s)");
}
