// The integration fixture: a real node on a fresh database.
#include "tests/integration/running_node.hpp"

namespace parley::testing {

namespace {

std::vector<std::string> node_args(const std::string& db_url,
                                   const std::string& key_path,
                                   std::vector<std::string> extra) {
  std::vector<std::string> args{"--db", db_url, "--token-key-file", key_path};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

} // namespace

running_node::running_node(std::vector<std::string> extra_args)
    : node_(node_args(database_.url(), key_.path(), std::move(extra_args))) {}

http_response running_node::get(const std::string& target,
                                const header_list& headers) const {
  return http_request("127.0.0.1", port(), "GET", target, {}, headers);
}

http_response running_node::post(const std::string& target,
                                 const std::string& body,
                                 const header_list& headers) const {
  return http_request("127.0.0.1", port(), "POST", target, body, headers);
}

} // namespace parley::testing
