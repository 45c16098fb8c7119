// Tests for open_store that need no database server: refused URLs,
// unreachable servers and SQLite paths, each an error and never a crash.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "persistence/store.hpp"
#include "proto/error_code.hpp"
#include "tests/support/test_database.hpp"

namespace parley::persistence {

using testing::temp_dir;

namespace {

// The error open_store returns for `url`; fails the test if it opened.
caf::error failure_of(const std::string& url) {
  auto opened = open_store(url);
  REQUIRE_FALSE(opened.engaged());
  return std::move(opened.error());
}

} // namespace

TEST_CASE("open_store refuses a malformed URL as invalid_request") {
  for (auto url : {"", "sqlite:", "postgresql://h:99999/db", "redis://h/0"}) {
    auto error = failure_of(url);
    CHECK_MESSAGE(code_of(error) == error_code::invalid_request, url);
  }
}

TEST_CASE("an unreachable server is unavailable and keeps its password") {
  auto error = failure_of("postgresql://parley:s3cret@127.0.0.1:1/nowhere");
  CHECK(code_of(error) == error_code::unavailable);
  auto message = message_of(error);
  CHECK(message.find("cannot connect to 127.0.0.1:1/nowhere: ") !=
        std::string::npos);
  CHECK(message.find("s3cret") == std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("a missing socket directory is unavailable") {
  temp_dir dir;
  auto error = failure_of("postgresql:///db?host=" + dir.path() + "/none");
  CHECK(code_of(error) == error_code::unavailable);
  CHECK(message_of(error).find("cannot connect to " + dir.path() + "/none") !=
        std::string::npos);
}

TEST_CASE("an SQLite path below a file is unavailable") {
  temp_dir dir;
  std::ofstream{dir.path() + "/file"} << "not a directory";
  auto error = failure_of("sqlite:" + dir.path() + "/file/sub/parley.db");
  CHECK(code_of(error) == error_code::unavailable);
  CHECK(message_of(error).find("cannot create directory") != std::string::npos);
}

TEST_CASE("an SQLite path that is a directory is unavailable") {
  temp_dir dir;
  auto error = failure_of("sqlite:" + dir.path());
  CHECK(code_of(error) == error_code::unavailable);
  CHECK(message_of(error).find("cannot connect to sqlite:" + dir.path()) !=
        std::string::npos);
}

TEST_CASE("an SQLite file is created with its missing directories") {
  temp_dir dir;
  auto path = dir.path() + "/a b/c=d/parley.db";
  auto opened = open_store("sqlite:" + path);
  REQUIRE_MESSAGE(opened.engaged(), message_of(opened.error()));
  CHECK(std::filesystem::is_regular_file(path));
}

TEST_CASE("a relative SQLite path is relative to the working directory") {
  temp_dir dir;
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto opened = open_store("sqlite:var/parley.db");
  std::filesystem::current_path(previous);
  REQUIRE_MESSAGE(opened.engaged(), message_of(opened.error()));
  CHECK(std::filesystem::is_regular_file(dir.path() + "/var/parley.db"));
}

} // namespace parley::persistence
