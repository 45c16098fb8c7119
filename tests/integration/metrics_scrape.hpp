// Reading a node's GET /metrics in integration tests: one scrape, one
// sample of it, and waiting for a sample to reach a value.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "tests/integration/running_node.hpp"
#include "tests/support/admin_client.hpp"

namespace parley::testing {

/// GET /metrics on the node's admin listener.
http_response scrape(running_node& node, const header_list& headers = {});

/// The sample in a fresh scrape; 0 when the page leaves it out (counters
/// by route and status appear once they move).
double metric(running_node& node, const std::string& name,
              const std::string& labels = {});

/// Scrapes until the sample equals `expected` (it may trail the event that
/// moves it, e.g. when an actor counts after handing a frame on); the last
/// value seen, after `timeout` at most.
double await_metric(running_node& node, const std::string& name,
                    const std::string& labels, double expected,
                    std::chrono::seconds timeout = std::chrono::seconds(10));

} // namespace parley::testing
