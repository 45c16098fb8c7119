// RFC 3339 timestamps in UTC with millisecond precision: written for the
// wire and for token claims, read back for token claims.
#include "proto/json/rfc3339.hpp"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

namespace parley::json {

namespace {

constexpr std::int64_t ms_per_second = 1000;
constexpr std::int64_t ms_per_day = 86'400'000;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days_from_civil, exact for every year we can print).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

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

constexpr bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/// Reads text as a cursor; every read fails softly by returning false.
class reader {
public:
  explicit reader(std::string_view text)
      : text_(text) {}

  bool done() const { return pos_ == text_.size(); }

  bool digits(std::size_t count, unsigned& out) {
    if (text_.size() - pos_ < count) return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    return true;
  }

  bool digit_ahead() const {
    return !done() && text_[pos_] >= '0' && text_[pos_] <= '9';
  }

  /// Consumes one of the characters in `options`, reporting which.
  bool one_of(std::string_view options, char& out) {
    if (done() || options.find(text_[pos_]) == std::string_view::npos)
      return false;
    out = text_[pos_++];
    return true;
  }

  bool literal(char expected) {
    char ignored;
    return one_of(std::string_view{&expected, 1}, ignored);
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Milliseconds from `.d+`: the first three digits count, the rest must
/// still be digits but are truncated away.
bool read_fraction_ms(reader& in, std::int64_t& ms) {
  ms = 0;
  if (!in.literal('.')) return true;
  if (!in.digit_ahead()) return false;
  std::int64_t scale = 100;
  unsigned digit = 0;
  while (in.digit_ahead()) {
    in.digits(1, digit);
    ms += scale * digit;
    scale /= 10;
  }
  return true;
}

/// The offset east of UTC in milliseconds ("Z", "+hh:mm" or "-hh:mm").
bool read_offset_ms(reader& in, std::int64_t& offset) {
  char sign = 0;
  if (!in.one_of("Zz+-", sign)) return false;
  offset = 0;
  if (sign == 'Z' || sign == 'z') return true;
  unsigned hh = 0;
  unsigned mm = 0;
  if (!in.digits(2, hh) || !in.literal(':') || !in.digits(2, mm) || hh > 23 ||
      mm > 59)
    return false;
  offset = (std::int64_t{hh} * 60 + mm) * 60 * ms_per_second;
  if (sign == '-') offset = -offset;
  return true;
}

} // namespace

rfc3339_text format_rfc3339_fixed(timestamp_ms at) {
  // The writer stamps a whole batch with one instant, so the same value is
  // formatted many times in a row on each thread: remember the last one.
  thread_local timestamp_ms last_at = 0;
  thread_local rfc3339_text last;
  if (last.size != 0 && last_at == at) return last;
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
  rfc3339_text result;
  auto n = std::snprintf(result.data, sizeof(result.data),
                         "%04" PRId64 "-%02u-%02uT%02" PRId64 ":%02" PRId64
                         ":%02" PRId64 ".%03" PRId64 "Z",
                         date.year, date.month, date.day, seconds_of_day / 3600,
                         seconds_of_day / 60 % 60, seconds_of_day % 60,
                         ms_of_day % ms_per_second);
  result.size = static_cast<std::size_t>(n);
  last_at = at;
  last = result;
  return result;
}

std::string format_rfc3339(timestamp_ms at) {
  return std::string{format_rfc3339_fixed(at).view()};
}

std::optional<timestamp_ms> parse_rfc3339(std::string_view text) {
  reader in{text};
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char t = 0;
  // Leap seconds (":60") are refused: our clocks and tokens never carry one.
  if (!in.digits(4, year) || !in.literal('-') || !in.digits(2, month) ||
      !in.literal('-') || !in.digits(2, day) || !in.one_of("Tt", t) ||
      !in.digits(2, hour) || !in.literal(':') || !in.digits(2, minute) ||
      !in.literal(':') || !in.digits(2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
      hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  std::int64_t fraction_ms = 0;
  std::int64_t offset_ms = 0;
  if (!read_fraction_ms(in, fraction_ms) || !read_offset_ms(in, offset_ms) ||
      !in.done())
    return std::nullopt;
  const std::int64_t secs_of_day =
      (std::int64_t{hour} * 60 + minute) * 60 + second;
  return days_from_civil(year, month, day) * ms_per_day +
         secs_of_day * ms_per_second + fraction_ms - offset_ms;
}

} // namespace parley::json
