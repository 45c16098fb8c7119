// RFC 3339 timestamps in UTC with millisecond precision.
#include "proto/json/rfc3339.hpp"

#include <cinttypes>
#include <cstdint>
#include <cstdio>

namespace parley::json {

namespace {

constexpr std::int64_t ms_per_second = 1000;
constexpr std::int64_t ms_per_day = 86'400'000;

struct civil_date {
  std::int64_t year;
  unsigned month; // 1-12
  unsigned day;   // 1-31
};

// Howard Hinnant's days_from_civil inverse: exact for the whole proleptic
// Gregorian calendar, so no gmtime_r range or time_t width concerns.
civil_date civil_from_days(std::int64_t days) {
  days += 719'468; // shift the epoch to 0000-03-01
  const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
  const auto day_of_era = static_cast<std::uint64_t>(days - era * 146'097);
  const std::uint64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36'524 -
       day_of_era / 146'096) /
      365;
  const std::uint64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::uint64_t shifted_month = (5 * day_of_year + 2) / 153; // March=0
  const auto day =
      static_cast<unsigned>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(
      shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

} // namespace

std::string format_rfc3339(timestamp_ms at) {
  // Floor division, written so that no intermediate can overflow even for
  // INT64_MIN (days * ms_per_day could).
  std::int64_t days = at / ms_per_day;
  std::int64_t ms_of_day = at % ms_per_day;
  if (ms_of_day < 0) {
    ms_of_day += ms_per_day;
    --days;
  }
  const auto date = civil_from_days(days);
  const std::int64_t seconds_of_day = ms_of_day / ms_per_second;
  char text[64];
  std::snprintf(text, sizeof(text),
                "%04" PRId64 "-%02u-%02uT%02" PRId64 ":%02" PRId64 ":%02" PRId64
                ".%03" PRId64 "Z",
                date.year, date.month, date.day, seconds_of_day / 3600,
                seconds_of_day / 60 % 60, seconds_of_day % 60,
                ms_of_day % ms_per_second);
  return text;
}

} // namespace parley::json
