// Creating users on a running node through its public HTTP API.
#include "tests/support/accounts.hpp"

#include <stdexcept>

#include "tests/support/http_client.hpp"
#include "tests/support/json_body.hpp"

namespace parley::testing {

namespace {

http_response expect_status(http_response response, int status,
                            const std::string& what) {
  if (response.status != status)
    throw std::runtime_error(what + " answered " +
                             std::to_string(response.status) + ": " +
                             response.body);
  return response;
}

} // namespace

logged_in_user register_and_login(unsigned short port,
                                  const std::string& username,
                                  const std::string& password) {
  auto credentials =
      json_object({{"username", username}, {"password", password}});
  auto created = expect_status(
      http_request("127.0.0.1", port, "POST", "/users", credentials), 201,
      "POST /users");
  auto login = expect_status(
      http_request("127.0.0.1", port, "POST", "/login", credentials), 200,
      "POST /login");
  auto user = parse_json(created.body);
  auto session = parse_json(login.body);
  auto id = int_member(user, "id");
  auto token = string_member(session, "access_token");
  if (!id || !token)
    throw std::runtime_error("unexpected bodies: " + created.body + " / " +
                             login.body);
  return {*id, username, *token};
}

} // namespace parley::testing
