// Tests of the error_code table: wire spellings, HTTP statuses, caf::error.
#include <caf/sec.hpp>
#include <doctest/doctest.h>

#include "proto/error_code.hpp"

using parley::error_code;

TEST_CASE("wire codes are the snake_case names of the enum") {
  CHECK(std::string{parley::wire_code(error_code::invalid_json)} ==
        "invalid_json");
  CHECK(std::string{parley::wire_code(error_code::content_too_large)} ==
        "content_too_large");
  CHECK(std::string{parley::wire_code(error_code::username_taken)} ==
        "username_taken");
  CHECK(std::string{parley::wire_code(error_code::internal)} == "internal");
}

TEST_CASE("client mistakes map to 4xx statuses") {
  CHECK(parley::http_status(error_code::invalid_request) == 400);
  CHECK(parley::http_status(error_code::invalid_credentials) == 401);
  CHECK(parley::http_status(error_code::unauthorized) == 401);
  CHECK(parley::http_status(error_code::not_found) == 404);
  CHECK(parley::http_status(error_code::method_not_allowed) == 405);
  CHECK(parley::http_status(error_code::username_taken) == 409);
}

TEST_CASE("server trouble maps to 5xx statuses") {
  CHECK(parley::http_status(error_code::overloaded) == 503);
  CHECK(parley::http_status(error_code::unavailable) == 503);
  CHECK(parley::http_status(error_code::internal) == 500);
}

TEST_CASE("a value outside the enum reads as internal") {
  auto bogus = static_cast<error_code>(250);
  CHECK(std::string{parley::wire_code(bogus)} == "internal");
  CHECK(parley::http_status(bogus) == 500);
}

TEST_CASE("an error_code survives a trip through caf::error") {
  auto plain = parley::make_error(error_code::unknown_recipient);
  CHECK(parley::code_of(plain) == error_code::unknown_recipient);
  CHECK(parley::message_of(plain) ==
        parley::default_message(error_code::unknown_recipient));
  auto specific = parley::make_error(error_code::invalid_request, "no body");
  CHECK(parley::code_of(specific) == error_code::invalid_request);
  CHECK(parley::message_of(specific) == "no body");
}

TEST_CASE("an empty caf::error is none and a foreign one is internal") {
  CHECK(parley::code_of(caf::error{}) == error_code::none);
  CHECK(parley::code_of(caf::make_error(caf::sec::unexpected_message)) ==
        error_code::internal);
}
