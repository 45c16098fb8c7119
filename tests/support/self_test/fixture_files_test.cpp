// Tests of the small fixtures: temp_dir, token_key_file, json_body.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <doctest/doctest.h>

#include "tests/support/json_body.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/token_key_file.hpp"

using namespace parley::testing;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("a temp_dir exists while it lives and is gone afterwards") {
  std::string path;
  {
    temp_dir dir;
    path = dir.path();
    CHECK(std::filesystem::is_directory(path));
    std::ofstream{dir.file("a.txt")} << "x";
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a token key file holds the fixed key and a newline") {
  token_key_file file;
  CHECK(read_file(file.path()) == std::string(fixed_test_key_hex) + "\n");
  auto key = file.key();
  CHECK(key[0] == 0x6b);
  CHECK(key[31] == 0xe8);
}

TEST_CASE("a token key file can hold anything, and key() rejects non-keys") {
  token_key_file file{"not a key", ""};
  CHECK(read_file(file.path()) == "not a key");
  CHECK_THROWS_AS(file.key(), std::runtime_error);
  CHECK_THROWS_AS(key_from_hex(std::string(63, 'a')), std::runtime_error);
  CHECK_THROWS_AS(key_from_hex(std::string(64, 'g')), std::runtime_error);
}

TEST_CASE("json_object escapes what it is given") {
  CHECK(json_object({{"username", "a\"b"}, {"password", "x\\y"}}) ==
        R"({"username":"a\"b","password":"x\\y"})");
}

TEST_CASE("error_code_of accepts only the error body shape") {
  CHECK(error_code_of(R"({"error":{"code":"not_found","message":"no"}})") ==
        "not_found");
  CHECK_FALSE(error_code_of(R"({"error":{"code":"x"}})"));
  CHECK_FALSE(error_code_of(R"({"error":{"code":"x","message":""}})"));
  CHECK_FALSE(error_code_of(R"({"error":{"code":1,"message":"m"}})"));
  CHECK_FALSE(error_code_of(R"({"error":"x"})"));
  CHECK_FALSE(error_code_of(R"({"error":{"code":"x","message":"m"},"a":1})"));
  CHECK_FALSE(error_code_of("not json"));
}

TEST_CASE("parse_json throws on text that is not JSON") {
  CHECK(parse_json(R"({"a":1})").IsObject());
  CHECK_THROWS_AS(parse_json("{"), std::runtime_error);
}
