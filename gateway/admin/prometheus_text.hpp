// The Prometheus text exposition format (version 0.0.4): what GET /metrics
// answers. A family is announced once (HELP, TYPE), then its samples
// follow; histograms write their cumulative buckets, sum and count.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "actors/metrics/instruments.hpp"

namespace parley::admin {

/// A label name and value; values are escaped on output.
using label = std::pair<std::string_view, std::string_view>;
using labels = std::initializer_list<label>;

/// The Content-Type of the format.
constexpr const char* prometheus_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

class prometheus_text {
public:
  /// "# HELP" and "# TYPE" of a family: type is counter, gauge or
  /// histogram.
  void family(std::string_view name, std::string_view help,
              std::string_view type);

  /// One sample line of the family announced last.
  void sample(std::string_view name, double value, labels tags = {});
  void sample(std::string_view name, std::uint64_t value, labels tags = {});
  void sample(std::string_view name, std::int64_t value, labels tags = {});

  /// A family of one sample.
  void counter(std::string_view name, std::string_view help,
               const metrics::counter& x);
  void gauge(std::string_view name, std::string_view help, std::int64_t value);

  /// The samples of one histogram (announce the family first when it has
  /// several label sets).
  void histogram_samples(std::string_view name, const metrics::histogram& x,
                         labels tags = {});
  /// A family of one histogram.
  void histogram(std::string_view name, std::string_view help,
                 const metrics::histogram& x);

  /// The text so far.
  const std::string& text() const { return text_; }

private:
  void sample_start(std::string_view name, labels tags,
                    std::string_view le = {});

  std::string text_;
};

/// A number as the format writes it: shortest round-trip form, "+Inf",
/// "-Inf" and "NaN" spelled as Prometheus expects.
std::string format_number(double value);

} // namespace parley::admin
