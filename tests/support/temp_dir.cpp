// A temporary directory that removes itself (mkdtemp + filesystem).
#include "tests/support/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace parley::testing {

temp_dir::temp_dir(const std::string& prefix) {
  auto base = std::getenv("TMPDIR");
  std::string pattern = (base != nullptr && *base != '\0') ? base : "/tmp";
  pattern += "/" + prefix + ".XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr)
    throw std::runtime_error("mkdtemp " + pattern + ": " +
                             std::strerror(errno));
  path_ = name.data();
}

temp_dir::~temp_dir() {
  // A leftover directory is harmless; a throwing destructor is not.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string temp_dir::file(const std::string& name) const {
  return path_ + "/" + name;
}

} // namespace parley::testing
