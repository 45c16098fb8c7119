// Reading a node's admin listener in tests: its JSON documents and the
// samples of its Prometheus page.
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"

namespace parley::testing {

/// A request to the node's admin listener (it must have one).
http_response admin_request(const node_process& node, const std::string& method,
                            const std::string& target,
                            const header_list& headers = {});

/// GET `target` on the admin listener; throws std::runtime_error (with the
/// status and body) unless it answers 200 with JSON.
rapidjson::Document admin_json(const node_process& node,
                               const std::string& target);

/// The value of the first sample of `name` with exactly `labels` ("" for
/// none, else e.g. {result="accepted"}) on a Prometheus text page.
std::optional<double> sample_value(const std::string& page,
                                   const std::string& name,
                                   const std::string& labels = {});

} // namespace parley::testing
