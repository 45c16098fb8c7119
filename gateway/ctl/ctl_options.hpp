// `parley ctl`'s command line: which node, which command, how to print.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace parley::ctl {

/// What ctl asks the node's admin actor (actors/admin/admin.hpp).
enum class command { status, cluster, user, disconnect, drain, metrics };

struct ctl_options {
  std::string host;
  std::uint16_t port = 0; ///< the node's cluster port
  command what = command::status;
  std::string username; ///< for user and disconnect
  bool json = false;    ///< print the admin actor's JSON as it is
  std::int64_t timeout_seconds = 10;
  /// The cluster's TLS files, when its links use mutual TLS.
  std::string ca_file, cert_file, key_file;
};

struct help_requested {};

/// Parses the arguments after "ctl"; a string is a one-line error.
std::variant<ctl_options, help_requested, std::string>
parse_ctl_options(int argc, char** argv);

/// The text of `parley ctl --help`.
std::string ctl_usage_text();

} // namespace parley::ctl
