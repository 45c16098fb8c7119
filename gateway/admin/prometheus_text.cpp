#include "gateway/admin/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace parley::admin {

namespace {

/// HELP text escapes backslash and newline; label values also the quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

} // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, error] =
      std::to_chars(std::begin(buffer), std::end(buffer), value);
  if (error != std::errc{}) return "NaN"; // cannot happen with 32 bytes
  return std::string(buffer, end);
}

void prometheus_text::family(std::string_view name, std::string_view help,
                             std::string_view type) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void prometheus_text::sample_start(std::string_view name, labels tags,
                                   std::string_view le) {
  text_ += name;
  if (tags.size() == 0 && le.empty()) {
    text_ += ' ';
    return;
  }
  text_ += '{';
  bool first = true;
  auto add = [&](std::string_view key, std::string_view value) {
    if (!first) text_ += ',';
    first = false;
    text_ += key;
    text_ += "=\"";
    append_escaped(text_, value, true);
    text_ += '"';
  };
  for (const auto& [key, value] : tags)
    add(key, value);
  if (!le.empty()) add("le", le);
  text_ += "} ";
}

void prometheus_text::sample(std::string_view name, double value, labels tags) {
  sample_start(name, tags);
  text_ += format_number(value);
  text_ += '\n';
}

void prometheus_text::sample(std::string_view name, std::uint64_t value,
                             labels tags) {
  sample_start(name, tags);
  text_ += std::to_string(value);
  text_ += '\n';
}

void prometheus_text::sample(std::string_view name, std::int64_t value,
                             labels tags) {
  sample_start(name, tags);
  text_ += std::to_string(value);
  text_ += '\n';
}

void prometheus_text::counter(std::string_view name, std::string_view help,
                              const metrics::counter& x) {
  family(name, help, "counter");
  sample(name, x.value());
}

void prometheus_text::gauge(std::string_view name, std::string_view help,
                            std::int64_t value) {
  family(name, help, "gauge");
  sample(name, value);
}

void prometheus_text::histogram_samples(std::string_view name,
                                        const metrics::histogram& x,
                                        labels tags) {
  auto snapshot = x.read();
  std::string bucket{name};
  bucket += "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < x.bucket_count(); ++i) {
    cumulative += snapshot.counts[i];
    auto le =
        format_number(static_cast<double>(x.bound(i)) / x.per_base_unit());
    sample_start(bucket, tags, le);
    text_ += std::to_string(cumulative);
    text_ += '\n';
  }
  cumulative += snapshot.counts[x.bucket_count()];
  sample_start(bucket, tags, "+Inf");
  text_ += std::to_string(cumulative);
  text_ += '\n';
  sample(std::string{name} + "_sum",
         static_cast<double>(snapshot.sum) / x.per_base_unit(), tags);
  sample(std::string{name} + "_count", cumulative, tags);
}

void prometheus_text::histogram(std::string_view name, std::string_view help,
                                const metrics::histogram& x) {
  family(name, help, "histogram");
  histogram_samples(name, x);
}

} // namespace parley::admin
