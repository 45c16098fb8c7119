// Debian's Prometheus server as a test's child process: a generated
// configuration scraping the given targets, its own storage, a loopback
// port, and its HTTP query API.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parley::testing {

/// How long the server may take to answer GET /-/ready.
constexpr std::chrono::seconds prometheus_start_timeout{30};

/// How long a test waits for something a scrape shows: Prometheus applies
/// its first configuration up to 5 s after start, then scrapes every
/// `scrape_interval`.
constexpr std::chrono::seconds prometheus_scrape_timeout{30};

/// The job name every target is scraped under (the `job` label).
constexpr const char* prometheus_job = "parley";

/// How to start the server.
struct prometheus_options {
  std::vector<std::string> targets;        ///< HOST:PORT, scraped at /metrics
  std::chrono::seconds scrape_interval{1}; ///< also the scrape timeout
  std::string binary = "prometheus";       ///< a path, or looked up in PATH
  unsigned short first_port = 0;           ///< tried first; 0: a free one
};

/// One sample of an instant vector.
struct prometheus_sample {
  std::map<std::string, std::string> labels; ///< __name__ when kept
  double value = 0;                          ///< NaN when Prometheus says so
};

/// The samples of one query's result.
using prometheus_vector = std::vector<prometheus_sample>;

/// A running server, stopped (SIGTERM, then SIGKILL) and reaped by the
/// destructor whatever the test did. Call it from one thread.
class prometheus_server {
public:
  /// Writes the configuration, starts the server on 127.0.0.1 and waits for
  /// /-/ready; a port taken meanwhile is retried with another. Throws
  /// std::runtime_error saying how to install it when the binary is
  /// missing, or quoting its log when it exits or is not ready in time.
  explicit prometheus_server(prometheus_options options);

  ~prometheus_server();
  prometheus_server(const prometheus_server&) = delete;
  prometheus_server& operator=(const prometheus_server&) = delete;

  /// The port its HTTP API listens on.
  unsigned short port() const;

  /// Its process id.
  int pid() const;

  /// What it logged so far.
  std::string log() const;

  /// Evaluates `expr` now (GET /api/v1/query). Throws std::runtime_error
  /// with Prometheus's reason when it refuses the query or the result is
  /// not an instant vector.
  prometheus_vector query(const std::string& expr) const;

  /// Polls query(expr) until `done` holds for its result or `timeout`
  /// passes; returns the last result either way, for the caller to check.
  prometheus_vector
  wait_for(const std::string& expr,
           const std::function<bool(const prometheus_vector&)>& done,
           std::chrono::milliseconds timeout = prometheus_scrape_timeout) const;

private:
  struct state;
  std::unique_ptr<state> self_;
};

/// The value of the sample whose label `name` is `value`; NaN when none.
double value_where(const prometheus_vector& samples, const std::string& name,
                   const std::string& value);

} // namespace parley::testing
