// deploy/docker/Dockerfile builds with ./dev's packages and runs with the
// packages of the libraries the node links. No image is built here (that
// needs a registry); these checks catch the drift that would break one.
#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/command.hpp"
#include "tests/support/node_process.hpp"

using namespace parley::testing;

namespace {

/// Packages of debian:bookworm itself, which apt needs: never installed.
const std::set<std::string> base_image_packages = {"libc6", "libgcc-s1",
                                                   "libstdc++6"};

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in{text};
  std::vector<std::string> words;
  for (std::string word; in >> word;)
    words.push_back(word);
  return words;
}

/// The packages the apt-get install of the Dockerfile's stage `stage`
/// (0 = first FROM) names: the words after "install" up to the first
/// "&&", less options.
std::set<std::string> stage_packages(const std::string& dockerfile,
                                     int stage) {
  std::string code; // without comment lines, which may say anything
  std::istringstream lines{dockerfile};
  for (std::string line; std::getline(lines, line);) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] != '#') code += line + "\n";
  }
  auto words = words_of(code);
  int current = -1;
  std::set<std::string> packages;
  bool in_install = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "FROM") ++current;
    if (current != stage) continue;
    if (words[i] == "install" && i > 0 && words[i - 1] == "apt-get") {
      in_install = true;
      continue;
    }
    if (!in_install) continue;
    if (words[i] == "&&") break;
    if (words[i][0] != '-' && words[i] != "\\") packages.insert(words[i]);
  }
  return packages;
}

/// The words of ./dev's `readonly packages=( ... )`.
std::set<std::string> dev_packages() {
  auto dev = read_text(repo_file("dev"));
  auto begin = dev.find("readonly packages=(");
  REQUIRE(begin != std::string::npos);
  begin += std::string("readonly packages=(").size();
  auto end = dev.find(')', begin);
  auto words = words_of(dev.substr(begin, end - begin));
  return {words.begin(), words.end()};
}

/// The Debian package that ships `path`. With /lib a link to /usr/lib,
/// ldd may name a file by the path its package does not use: try both.
std::string package_owning(const std::string& path) {
  std::vector<std::string> candidates = {path};
  if (path.rfind("/usr/", 0) == 0)
    candidates.push_back(path.substr(4));
  else
    candidates.push_back("/usr" + path);
  for (const auto& candidate : candidates) {
    auto owner = run_command({"dpkg", "-S", candidate});
    // "libfoo1:amd64: /usr/lib/x86_64-linux-gnu/libfoo.so.1"
    if (owner.exit_code == 0)
      return owner.output.substr(0, owner.output.find(':'));
  }
  FAIL("no package owns " << path);
  return {};
}

/// The Debian packages of the libraries `binary` names as NEEDED.
std::set<std::string> linked_packages(const std::string& binary) {
  auto needed = run_command({"readelf", "-d", binary});
  REQUIRE(needed.exit_code == 0);
  auto ldd = run_command({"ldd", binary});
  REQUIRE(ldd.exit_code == 0);
  std::set<std::string> packages;
  std::istringstream lines{needed.output};
  for (std::string line; std::getline(lines, line);) {
    auto open = line.find("(NEEDED)");
    if (open == std::string::npos) continue;
    auto name_begin = line.find('[') + 1;
    auto library = line.substr(name_begin, line.find(']') - name_begin);
    // The dynamic loader, which ldd lists without "=>", is libc6's.
    if (library.rfind("ld-linux", 0) == 0) continue;
    // ldd: "\tlibfoo.so.1 => /usr/lib/x86_64-linux-gnu/libfoo.so.1 (0x...)"
    auto at = ldd.output.find("\t" + library + " => ");
    REQUIRE_MESSAGE(at != std::string::npos, "ldd does not resolve " << library);
    auto path_begin = at + library.size() + 5;
    auto path = ldd.output.substr(
        path_begin, ldd.output.find(' ', path_begin) - path_begin);
    packages.insert(package_owning(path));
  }
  return packages;
}

/// Those of `linked` that neither `installed` nor the base image provide.
std::vector<std::string> missing_from(const std::set<std::string>& linked,
                                      const std::set<std::string>& installed) {
  std::vector<std::string> missing;
  for (const auto& package : linked)
    if (installed.count(package) == 0 &&
        base_image_packages.count(package) == 0)
      missing.push_back(package);
  return missing;
}

std::string dockerfile() {
  return read_text(repo_file("deploy/docker/Dockerfile"));
}

} // namespace

TEST_CASE("the image's builder installs the packages ./dev installs") {
  CHECK(stage_packages(dockerfile(), 0) == dev_packages());
}

TEST_CASE("the image's runtime stage installs the package of every library "
          "the node links") {
  auto linked = linked_packages(node_binary());
  CHECK(linked.count("libc6") == 1); // the scan found the libraries at all
  // A new library in the node needs its package in the Dockerfile's
  // runtime stage.
  CHECK(missing_from(linked, stage_packages(dockerfile(), 1)) ==
        std::vector<std::string>{});
}

TEST_CASE("the image's runtime stage installs no build packages") {
  auto runtime = stage_packages(dockerfile(), 1);
  REQUIRE_FALSE(runtime.empty());
  for (const auto& package : runtime) {
    CAPTURE(package);
    CHECK(package.find("-dev") == std::string::npos);
    CHECK(stage_packages(dockerfile(), 0).count(package) == 0);
  }
}

TEST_CASE("a linked library the runtime stage lacks is named") {
  CHECK(missing_from({"libc6", "libcaf-core0.17", "libcaf-openssl0.17"},
                     {"libcaf-core0.17"}) ==
        std::vector<std::string>{"libcaf-openssl0.17"});
}

TEST_CASE("the package scan reads one stage's install list and stops at &&") {
  auto packages = stage_packages("FROM a AS b\nRUN apt-get install -y x \\\n"
                                 "  y && rm z\nFROM c\nRUN apt-get install w\n",
                                 0);
  CHECK(packages == std::set<std::string>{"x", "y"});
  CHECK(stage_packages("FROM a\nRUN true\n", 0).empty());
}
