#include "tests/integration/metrics_scrape.hpp"

#include <cstdlib>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

namespace parley::testing {

http_response scrape(running_node& node, const header_list& headers) {
  auto port = node.process().admin_port();
  REQUIRE(port.has_value());
  return http_request("127.0.0.1", *port, "GET", "/metrics", {}, headers);
}

double metric(running_node& node, const std::string& name,
              const std::string& labels) {
  auto page = scrape(node);
  REQUIRE(page.status == 200);
  return sample_value(page.body, name, labels).value_or(0);
}

double await_metric(running_node& node, const std::string& name,
                    const std::string& labels, double expected,
                    std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto value = metric(node, name, labels);
  while (value != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    value = metric(node, name, labels);
  }
  return value;
}

} // namespace parley::testing
