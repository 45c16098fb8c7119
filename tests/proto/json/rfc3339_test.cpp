// Tests of format_rfc3339: known instants, calendar edges and extremes.
#include <cstdint>
#include <ctime>
#include <limits>
#include <random>

#include <doctest/doctest.h>

#include "proto/json/rfc3339.hpp"

using parley::json::format_rfc3339;

TEST_CASE("the epoch is formatted with milliseconds and a Z") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("a known instant is formatted to the millisecond") {
  CHECK(format_rfc3339(1795639633123) == "2026-11-25T20:47:13.123Z");
}

TEST_CASE("leap days and non-leap centuries fall on the right date") {
  CHECK(format_rfc3339(951825600000) == "2000-02-29T12:00:00.000Z");
  CHECK(format_rfc3339(4107542400000) == "2100-03-01T00:00:00.000Z");
  CHECK(format_rfc3339(4107542400000 - 1) == "2100-02-28T23:59:59.999Z");
}

TEST_CASE("one millisecond before the epoch is the last of 1969") {
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(-2208988800000) == "1900-01-01T00:00:00.000Z");
}

TEST_CASE("the last millisecond of year 9999 keeps four year digits") {
  CHECK(format_rfc3339(253402300799999) == "9999-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(253402300800000) == "10000-01-01T00:00:00.000Z");
}

TEST_CASE("the int64 extremes format without overflow") {
  CHECK(format_rfc3339(std::numeric_limits<std::int64_t>::max()) ==
        "292278994-08-17T07:12:55.807Z");
  CHECK(format_rfc3339(std::numeric_limits<std::int64_t>::min()) ==
        "-292275055-05-16T16:47:04.192Z");
}

TEST_CASE("formatting agrees with gmtime_r across four centuries") {
  std::mt19937_64 random{20261125};
  std::uniform_int_distribution<std::int64_t> instants{0, 13'000'000'000'000};
  for (int i = 0; i < 20'000; ++i) {
    auto at = instants(random);
    std::time_t seconds = static_cast<std::time_t>(at / 1000);
    std::tm parts{};
    REQUIRE(gmtime_r(&seconds, &parts) != nullptr);
    char expected[64];
    std::strftime(expected, sizeof(expected), "%Y-%m-%dT%H:%M:%S", &parts);
    char millis[8];
    std::snprintf(millis, sizeof(millis), ".%03dZ",
                  static_cast<int>(at % 1000));
    REQUIRE(format_rfc3339(at) == std::string{expected} + millis);
  }
}
