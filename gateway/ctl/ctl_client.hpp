// `parley ctl`'s link to a node: CAF's middleman (or its TLS variant) to
// the node's cluster port, the published peers actor, and through it the
// node's admin actor.
#pragma once

#include <string>
#include <variant>

#include "gateway/ctl/ctl_options.hpp"

namespace parley::ctl {

/// A one-line reason why the node gave no answer.
struct ctl_failure {
  std::string message;
};

/// Asks the node's admin actor; its answer (JSON, or the Prometheus page
/// for metrics) or why there is none.
std::variant<std::string, ctl_failure> ask_node(const ctl_options& opts);

} // namespace parley::ctl
