// Latency percentiles on inputs whose answer is known.
#include <doctest/doctest.h>

#include "bench/latency.hpp"

using parley::bench::latency_histogram;

TEST_CASE("percentiles of 1..1000 microseconds are the nearest ranks") {
  latency_histogram h;
  for (int us = 1; us <= 1000; ++us)
    h.record_ns(us * 1000);
  CHECK(h.count() == 1000);
  CHECK(h.percentile_us(50) == 500);
  CHECK(h.percentile_us(90) == 900);
  CHECK(h.percentile_us(99) == 990);
  CHECK(h.percentile_us(99.9) == 999);
  CHECK(h.percentile_us(100) == 1000);
  CHECK(h.max_us() == 1000);
  CHECK(h.mean_us() == doctest::Approx(500.5));
  auto s = h.summary();
  CHECK(s.p50_ms == doctest::Approx(0.5));
  CHECK(s.p999_ms == doctest::Approx(0.999));
  CHECK(s.max_ms == doctest::Approx(1.0));
}

TEST_CASE("sub-microsecond parts are dropped, not rounded") {
  latency_histogram h;
  h.record_ns(1999);
  CHECK(h.percentile_us(50) == 1);
}

TEST_CASE("large latencies stay within 0.1 percent") {
  latency_histogram h;
  for (std::int64_t ms : {3, 47, 250, 1234, 98765}) {
    latency_histogram one;
    one.record_ns(ms * 1'000'000);
    auto got = static_cast<double>(one.percentile_us(50));
    CHECK(got == doctest::Approx(ms * 1000.0).epsilon(0.001));
    CHECK(one.max_us() == static_cast<std::uint64_t>(ms * 1000));
  }
}

TEST_CASE("a percentile never exceeds the maximum recorded") {
  latency_histogram h;
  h.record_ns(3'000'001'000); // 3,000,001 us: inside a wide bucket
  CHECK(h.percentile_us(99.9) == 3'000'001);
}

TEST_CASE("a skewed distribution puts the tail where it belongs") {
  latency_histogram h;
  for (int i = 0; i < 990; ++i)
    h.record_ns(1'000'000); // 1 ms
  for (int i = 0; i < 10; ++i)
    h.record_ns(100'000'000); // 100 ms
  CHECK(h.percentile_us(99) == 1000);
  CHECK(h.percentile_us(99.9) == doctest::Approx(100000).epsilon(0.001));
}

TEST_CASE("an empty histogram reports zeros") {
  latency_histogram h;
  CHECK(h.count() == 0);
  CHECK(h.percentile_us(99) == 0);
  CHECK(h.mean_us() == 0);
  CHECK(h.summary().max_ms == 0);
}

TEST_CASE("negative durations count as zero") {
  latency_histogram h;
  h.record_ns(-5000);
  CHECK(h.count() == 1);
  CHECK(h.max_us() == 0);
}
