// Creating users on a running node through its public HTTP API.
#pragma once

#include <cstdint>
#include <string>

namespace parley::testing {

/// A user that exists on the node, with a fresh access token.
struct logged_in_user {
  std::int64_t id = 0;
  std::string username;
  std::string token;
};

/// POST /users, then POST /login on 127.0.0.1:`port`; throws
/// std::runtime_error (with status and body) when either is refused.
logged_in_user register_and_login(unsigned short port,
                                  const std::string& username,
                                  const std::string& password);

} // namespace parley::testing
