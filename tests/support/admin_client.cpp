#include "tests/support/admin_client.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace parley::testing {

http_response admin_request(const node_process& node, const std::string& method,
                            const std::string& target,
                            const header_list& headers) {
  auto port = node.admin_port();
  if (!port) throw std::runtime_error("the node has no admin listener");
  return http_request("127.0.0.1", *port, method, target, {}, headers);
}

rapidjson::Document admin_json(const node_process& node,
                               const std::string& target) {
  auto reply = admin_request(node, "GET", target);
  rapidjson::Document doc;
  if (reply.status == 200) doc.Parse(reply.body.c_str());
  if (reply.status != 200 || doc.HasParseError() || !doc.IsObject())
    throw std::runtime_error("GET " + target + " answered " +
                             std::to_string(reply.status) + ": " + reply.body);
  return doc;
}

std::optional<double> sample_value(const std::string& page,
                                   const std::string& name,
                                   const std::string& labels) {
  std::istringstream lines{page};
  auto prefix = name + labels + " ";
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0)
      return std::strtod(line.c_str() + prefix.size(), nullptr);
  return std::nullopt;
}

} // namespace parley::testing
