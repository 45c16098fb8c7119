// Tests of prometheus_server against Debian's real Prometheus: one server
// scrapes another (which exports its own metrics), so that a failing scrape
// test of the node is never the harness's own.
#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/prometheus_server.hpp"

using namespace parley::testing;

namespace {

/// A loopback address nobody listens on: port 1 (tcpmux) is never served
/// here.
const std::string dead_target = "127.0.0.1:1";

std::string address(const prometheus_server& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

/// True when `samples` holds exactly one sample per expected instance, with
/// the expected value.
bool values_are(const prometheus_vector& samples,
                const std::vector<std::pair<std::string, double>>& expected) {
  if (samples.size() != expected.size()) return false;
  for (const auto& [instance, value] : expected)
    if (value_where(samples, "instance", instance) != value) return false;
  return true;
}

} // namespace

TEST_CASE("a live target is up, one nobody listens on is down, and the live "
          "one's samples can be queried by their labels") {
  prometheus_server scraped{{}};
  prometheus_server scraper{{{address(scraped), dead_target}}};
  auto up = scraper.wait_for("up", [&](const prometheus_vector& samples) {
    return values_are(samples, {{address(scraped), 1}, {dead_target, 0}});
  });
  INFO("scraper's log:\n" << scraper.log());
  CHECK(value_where(up, "instance", address(scraped)) == 1);
  CHECK(value_where(up, "instance", dead_target) == 0);
  auto build = scraper.query("prometheus_build_info");
  REQUIRE(build.size() == 1);
  CHECK(build[0].labels["job"] == prometheus_job);
  CHECK(build[0].labels["instance"] == address(scraped));
}

TEST_CASE("a query Prometheus refuses throws with its reason") {
  prometheus_server server{{}};
  CHECK_THROWS_WITH_AS(server.query("sum(up"), doctest::Contains("parse error"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(server.query("up[1m]"),
                       doctest::Contains("not an instant vector"),
                       std::runtime_error);
}

TEST_CASE("a port another server holds is given up for a free one") {
  prometheus_server first{{}};
  prometheus_options options;
  options.first_port = first.port();
  prometheus_server second{options};
  CHECK(second.port() != first.port());
  CHECK(second.query("vector(1)").size() == 1);
}

TEST_CASE("a Prometheus that is not installed fails with a message saying "
          "how to install it") {
  prometheus_options options;
  options.binary = "/nonexistent/prometheus";
  CHECK_THROWS_WITH_AS(prometheus_server{options},
                       doctest::Contains("Debian's prometheus package"),
                       std::runtime_error);
  options.binary = "no-such-prometheus-binary";
  CHECK_THROWS_WITH_AS(prometheus_server{options},
                       doctest::Contains("not installed"), std::runtime_error);
}

TEST_CASE("the server is stopped and reaped when its owner goes") {
  int pid = 0;
  {
    prometheus_server server{{}};
    pid = server.pid();
    REQUIRE(::kill(pid, 0) == 0);
  }
  // Reaped, so the pid no longer names a process (not even a zombie).
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
}
