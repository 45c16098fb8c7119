// Looking up the client's files by request path (see web_files.hpp).
#include "gateway/web/web_files.hpp"

namespace parley::web {

const web_file* find_web_file(std::string_view path) {
  if (path == "/") path = "/index.html";
  // A handful of files: a linear scan costs less than building a map.
  for (const auto& file : embedded_files())
    if (file.path == path) return &file;
  return nullptr;
}

} // namespace parley::web
