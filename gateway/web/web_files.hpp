// The web client's files (web/), compiled into the node by
// gateway/web/embed_web_files.py, and how the public port serves them.
#pragma once

#include <string_view>
#include <vector>

namespace parley::web {

/// One file of the client.
struct web_file {
  std::string_view path;         ///< as requested, e.g. "/js/main.js"
  std::string_view content_type; ///< with charset for text
  std::string_view etag;         ///< quoted, changes with the bytes
  std::string_view body;
};

/// Every file, generated at build time (web_files.cpp).
const std::vector<web_file>& embedded_files();

/// The file a GET of `path` serves ("/" is "/index.html"); nullptr when
/// there is none.
const web_file* find_web_file(std::string_view path);

/// The Content-Security-Policy every client file is served with: only this
/// origin's scripts, styles, images and connections (WebSockets included),
/// no framing, no inline code.
constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

} // namespace parley::web
