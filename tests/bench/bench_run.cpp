// Running parley-bench from a test: popen, keep the last line, pclose.
#include "tests/bench/bench_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>

#include <doctest/doctest.h>

namespace parley::testing {

std::string bench_binary() {
  const char* path = std::getenv("PARLEY_BENCH_BINARY");
  if (!path) throw std::runtime_error("PARLEY_BENCH_BINARY is not set");
  return path;
}

bench_run run_bench(const std::string& args) {
  auto command = "'" + bench_binary() + "' " + args;
  FILE* out = popen(command.c_str(), "r");
  if (!out) throw std::runtime_error("cannot start " + command);
  bench_run result;
  std::string line;
  char chunk[4096];
  while (std::fgets(chunk, sizeof chunk, out)) {
    line += chunk;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      if (!line.empty()) result.last_line = line;
      line.clear();
    }
  }
  if (!line.empty()) result.last_line = line;
  int status = pclose(out);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

rapidjson::Document parse_json(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  INFO("last line: " << line);
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

} // namespace parley::testing
