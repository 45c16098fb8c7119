// Message tokens read back exactly what was written, and any change to
// them is noticed.
#include <string>

#include <doctest/doctest.h>

#include "bench/message_token.hpp"

namespace {

using namespace parley::bench;

std::string token_of(const token_fields& f) {
  std::string text;
  append_token(text, f);
  return text;
}

} // namespace

TEST_CASE("a token reads back the fields it was written with") {
  token_fields in{0xdeadbeef, 0, 4294967295u, 17, 123456};
  token_fields out;
  REQUIRE(parse_token(token_of(in), out) == token_status::valid);
  CHECK(out.run == in.run);
  CHECK(out.sender == in.sender);
  CHECK(out.recipient == in.recipient);
  CHECK(out.seq == in.seq);
  CHECK(out.msg == in.msg);
}

TEST_CASE("a token is short and appended after existing text") {
  std::string text = "prefix:";
  append_token(text,
               {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff});
  CHECK(text.rfind("prefix:pb", 0) == 0);
  CHECK(text.size() - 7 <= max_token_bytes);
}

TEST_CASE("changing any single character of a token is detected") {
  auto good = token_of({0x1234, 3, 4, 5, 6});
  const std::string alphabet = "0123456789abcdef.pbxZ";
  for (std::size_t i = 0; i < good.size(); ++i)
    for (char c : alphabet) {
      if (c == good[i]) continue;
      auto bad = good;
      bad[i] = c;
      token_fields out;
      CAPTURE(bad);
      CHECK(parse_token(bad, out) != token_status::valid);
    }
}

TEST_CASE("truncated and extended tokens are corrupt") {
  auto good = token_of({1, 2, 3, 4, 5});
  token_fields out;
  for (std::size_t n = 2; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(parse_token(good.substr(0, n), out) == token_status::corrupt);
  }
  CHECK(parse_token(good + "0", out) == token_status::corrupt);
  CHECK(parse_token(good + ".1", out) == token_status::corrupt);
}

TEST_CASE("tokens with too few or too many fields are corrupt even with a "
          "matching checksum") {
  // Built by hand with a correct FNV-1a sum over the body.
  auto with_sum = [](std::string body) {
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : body)
      hash = (hash ^ c) * 16777619u;
    char sum[9];
    std::snprintf(sum, sizeof sum, "%x", hash);
    return body + "." + sum;
  };
  token_fields out;
  CHECK(parse_token(with_sum("pb1.2.3.4.5"), out) == token_status::valid);
  CHECK(parse_token(with_sum("pb1.2.3.4"), out) == token_status::corrupt);
  CHECK(parse_token(with_sum("pb1.2.3.4.5.6"), out) == token_status::corrupt);
  CHECK(parse_token(with_sum("pb1..3.4.5"), out) == token_status::corrupt);
  CHECK(parse_token(with_sum("pb1.2.3.4.123456789"), out) ==
        token_status::corrupt);
  CHECK(parse_token(with_sum("pb1.2.3.4.A"), out) == token_status::corrupt);
}

TEST_CASE("content that does not start like a token is foreign") {
  token_fields out;
  CHECK(parse_token("", out) == token_status::foreign);
  CHECK(parse_token("Hi Bob!", out) == token_status::foreign);
  CHECK(parse_token("p", out) == token_status::foreign);
  CHECK(parse_token("pb", out) == token_status::corrupt);
}
