// Tests for gateway/auth/rfc3339: token timestamps, written and read.
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "gateway/auth/rfc3339.hpp"

using namespace parley::auth;

namespace {

// 2026-11-25T20:47:13Z, checked with `date -u -d @1795639633`.
constexpr parley::timestamp_ms sample_ms = 1'795'639'633'000;

} // namespace

TEST_CASE("whole seconds are written without a fraction") {
  CHECK(format_rfc3339(sample_ms) == "2026-11-25T20:47:13Z");
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("milliseconds are written as three digits") {
  CHECK(format_rfc3339(sample_ms + 7) == "2026-11-25T20:47:13.007Z");
  CHECK(format_rfc3339(sample_ms + 120) == "2026-11-25T20:47:13.120Z");
}

TEST_CASE("instants before 1970 are written on the right day") {
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(-86'400'000) == "1969-12-31T00:00:00Z");
}

TEST_CASE("leap days are written and read") {
  // 2024-02-29T12:00:00Z
  const parley::timestamp_ms leap_day = 1'709'208'000'000;
  CHECK(format_rfc3339(leap_day) == "2024-02-29T12:00:00Z");
  CHECK(parse_rfc3339("2024-02-29T12:00:00Z") == leap_day);
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z") == 951'782'400'000);
}

TEST_CASE("instants beyond four-digit years are clamped") {
  CHECK(format_rfc3339(std::numeric_limits<parley::timestamp_ms>::max()) ==
        "9999-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(std::numeric_limits<parley::timestamp_ms>::min()) ==
        "0000-01-01T00:00:00Z");
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
