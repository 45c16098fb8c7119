// The /metrics text: the exposition format's lines, escaping, numbers and
// histogram buckets, read back as Prometheus reads them.
#include <limits>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>

#include "actors/metrics/instruments.hpp"
#include "gateway/admin/prometheus_text.hpp"

using namespace parley;

TEST_CASE("a counter family is HELP, TYPE and its value") {
  metrics::counter stored;
  stored.add();
  stored.add(41);
  admin::prometheus_text out;
  out.counter("parley_messages_stored_total", "Messages committed.", stored);
  CHECK(out.text() ==
        "# HELP parley_messages_stored_total Messages committed.\n"
        "# TYPE parley_messages_stored_total counter\n"
        "parley_messages_stored_total 42\n");
}

TEST_CASE("a gauge goes down and up and may be negative") {
  metrics::gauge open;
  open.add(3);
  open.sub();
  CHECK(open.value() == 2);
  open.set(-1);
  admin::prometheus_text out;
  out.gauge("parley_test_gauge", "A test.", open.value());
  CHECK(out.text().find("\nparley_test_gauge -1\n") != std::string::npos);
}

TEST_CASE("label values escape backslash, quote and newline; HELP escapes "
          "backslash and newline") {
  admin::prometheus_text out;
  out.family("parley_x_total", "one\\two\nthree \"quoted\"", "counter");
  out.sample("parley_x_total", std::uint64_t{1},
             {{"route", "a\"b\\c\nd"}, {"status", "200"}});
  CHECK(out.text() ==
        "# HELP parley_x_total one\\\\two\\nthree \"quoted\"\n"
        "# TYPE parley_x_total counter\n"
        "parley_x_total{route=\"a\\\"b\\\\c\\nd\",status=\"200\"} 1\n");
}

TEST_CASE("numbers: shortest exact form, and the infinities and NaN "
          "spelled as Prometheus reads them") {
  CHECK(admin::format_number(0.005) == "0.005");
  CHECK(admin::format_number(2.5) == "2.5");
  CHECK(admin::format_number(1e-6) == "1e-06");
  CHECK(admin::format_number(std::numeric_limits<double>::infinity()) ==
        "+Inf");
  CHECK(admin::format_number(-std::numeric_limits<double>::infinity()) ==
        "-Inf");
  CHECK(admin::format_number(std::numeric_limits<double>::quiet_NaN()) ==
        "NaN");
}

TEST_CASE("a histogram's buckets are cumulative, end in +Inf, and its sum "
          "and bounds are in base units") {
  // Nanoseconds shown as seconds.
  metrics::histogram commit{{1000000, 5000000, 25000000}, 1e9};
  commit.observe(500000);   // 0.5 ms: first bucket
  commit.observe(1000000);  // exactly the first bound: still the first
  commit.observe(4000000);  // second
  commit.observe(90000000); // above every bound: +Inf only
  admin::prometheus_text out;
  out.histogram("parley_commit_seconds", "Commit time.", commit);
  CHECK(out.text() == "# HELP parley_commit_seconds Commit time.\n"
                      "# TYPE parley_commit_seconds histogram\n"
                      "parley_commit_seconds_bucket{le=\"0.001\"} 2\n"
                      "parley_commit_seconds_bucket{le=\"0.005\"} 3\n"
                      "parley_commit_seconds_bucket{le=\"0.025\"} 3\n"
                      "parley_commit_seconds_bucket{le=\"+Inf\"} 4\n"
                      "parley_commit_seconds_sum 0.0955\n"
                      "parley_commit_seconds_count 4\n");
}

TEST_CASE("a histogram with labels puts le last") {
  metrics::histogram rows{{1, 10}};
  rows.observe(7);
  admin::prometheus_text out;
  out.family("parley_rows", "Rows.", "histogram");
  out.histogram_samples("parley_rows", rows, {{"kind", "batch"}});
  CHECK(out.text().find("parley_rows_bucket{kind=\"batch\",le=\"10\"} 1\n") !=
        std::string::npos);
  CHECK(out.text().find("parley_rows_count{kind=\"batch\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("histogram bounds must ascend and number 1 to 16") {
  CHECK_THROWS_AS(metrics::histogram({5, 5}), std::invalid_argument);
  CHECK_THROWS_AS(metrics::histogram({}), std::invalid_argument);
  CHECK_THROWS_AS(metrics::histogram({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                      14, 15, 16, 17}),
                  std::invalid_argument);
}
