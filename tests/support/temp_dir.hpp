// A temporary directory that removes itself, for files tests create.
#pragma once

#include <string>

namespace parley::testing {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
/// destruction.
class temp_dir {
public:
  /// Creates the directory; its name starts with `prefix`. Throws
  /// std::runtime_error when that fails.
  explicit temp_dir(const std::string& prefix = "parley-test");

  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// The directory's absolute path.
  const std::string& path() const { return path_; }

  /// The path of `name` inside the directory.
  std::string file(const std::string& name) const;

private:
  std::string path_;
};

} // namespace parley::testing
