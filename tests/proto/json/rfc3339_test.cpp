// Tests of format_rfc3339 (known instants, calendar edges, extremes) and
// parse_rfc3339 (round trips, offsets, malformed input).
#include <cstdint>
#include <ctime>
#include <limits>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "proto/json/rfc3339.hpp"

using parley::json::format_rfc3339;
using parley::json::parse_rfc3339;

namespace {

// 2026-11-25T20:47:13Z, checked with `date -u -d @1795639633`.
constexpr parley::timestamp_ms sample_ms = 1'795'639'633'000;

} // namespace

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

TEST_CASE("leap days are read") {
  CHECK(parse_rfc3339("2024-02-29T12:00:00Z") == 1'709'208'000'000);
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z") == 951'782'400'000);
}

TEST_CASE("every written instant reads back to itself") {
  for (parley::timestamp_ms at :
       {parley::timestamp_ms{0}, sample_ms, sample_ms + 999,
        parley::timestamp_ms{-62'167'219'200'000},
        parley::timestamp_ms{253'402'300'799'999}, parley::timestamp_ms{-1}}) {
    CAPTURE(at);
    CHECK(parse_rfc3339(format_rfc3339(at)) == at);
  }
}

TEST_CASE("offsets, lowercase letters and long fractions are understood") {
  CHECK(parse_rfc3339("2026-11-25T21:47:13+01:00") == sample_ms);
  CHECK(parse_rfc3339("2026-11-25T19:17:13-01:30") == sample_ms);
  CHECK(parse_rfc3339("2026-11-25T20:47:13-00:00") == sample_ms);
  CHECK(parse_rfc3339("2026-11-25t20:47:13z") == sample_ms);
  CHECK(parse_rfc3339("2026-11-25T20:47:13.5Z") == sample_ms + 500);
  CHECK(parse_rfc3339("2026-11-25T20:47:13.123999999Z") == sample_ms + 123);
  CHECK(parse_rfc3339("2022-01-01T00:00:00+00:00") == 1'640'995'200'000);
}

TEST_CASE("malformed timestamps are refused") {
  for (const char* bad : {
           "",
           "2026-11-25",
           "2026-11-25T20:47:13",       // no offset
           "2026-11-25 20:47:13Z",      // space instead of T
           "2026-11-25T20:47Z",         // no seconds
           "26-11-25T20:47:13Z",        // two-digit year
           "+2026-11-25T20:47:13Z",     // signed year
           "2026-11-25T20:47:13.Z",     // empty fraction
           "2026-11-25T20:47:13,5Z",    // comma fraction
           "2026-11-25T20:47:13+0100",  // offset without colon
           "2026-11-25T20:47:13+01",    // short offset
           "2026-11-25T20:47:13+24:00", // offset hour out of range
           "2026-11-25T20:47:13+01:60", // offset minute out of range
           "2026-11-25T20:47:13ZZ",     // trailing garbage
           "2026-11-25T20:47:13Z ",     // trailing space
           " 2026-11-25T20:47:13Z",     // leading space
           "2026-13-25T20:47:13Z",      // month 13
           "2026-00-25T20:47:13Z",      // month 0
           "2026-11-00T20:47:13Z",      // day 0
           "2026-11-31T20:47:13Z",      // November has 30 days
           "2023-02-29T00:00:00Z",      // not a leap year
           "1900-02-29T00:00:00Z",      // century, not a leap year
           "2026-11-25T24:00:00Z",      // hour 24
           "2026-11-25T20:60:13Z",      // minute 60
           "2026-11-25T20:47:60Z",      // leap second refused
           "2026-1a-25T20:47:13Z",      // letter in a number
           "２026-11-25T20:47:13Z",     // full-width digit
       }) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}

TEST_CASE("a timestamp with an embedded NUL is refused") {
  const std::string with_nul{"2026-11-25T20:47:13Z\0", 21};
  CHECK_FALSE(parse_rfc3339(with_nul));
}
