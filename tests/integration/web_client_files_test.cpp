// The web client's files on the public port: the page at /, its modules and
// styles with their content types, revalidation by ETag, and the headers
// that lock the page down.
#include <string>

#include <doctest/doctest.h>

#include "tests/integration/running_node.hpp"

using namespace parley::testing;

namespace {

std::string header(const http_response& response, const std::string& name) {
  auto i = response.headers.find(name);
  return i == response.headers.end() ? std::string{} : i->second;
}

} // namespace

TEST_CASE("GET / serves the client's page with a strict "
          "Content-Security-Policy") {
  running_node node;
  auto page = node.get("/");
  REQUIRE(page.status == 200);
  CHECK(header(page, "content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<title>Parley</title>") != std::string::npos);
  CHECK(page.body.find("js/main.js") != std::string::npos);
  auto policy = header(page, "content-security-policy");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(header(page, "x-content-type-options") == "nosniff");
  CHECK(header(page, "cache-control") == "no-cache");
  CHECK(node.get("/index.html").body == page.body);
}

TEST_CASE("modules, styles and the icon have their content types") {
  running_node node;
  auto script = node.get("/js/main.js");
  REQUIRE(script.status == 200);
  CHECK(header(script, "content-type") == "text/javascript; charset=utf-8");
  CHECK(script.body.find("import") != std::string::npos);
  auto style = node.get("/css/app.css");
  REQUIRE(style.status == 200);
  CHECK(header(style, "content-type") == "text/css; charset=utf-8");
  auto icon = node.get("/favicon.svg");
  REQUIRE(icon.status == 200);
  CHECK(header(icon, "content-type") == "image/svg+xml");
}

TEST_CASE("a file the browser has is revalidated with 304 and no body") {
  running_node node;
  auto first = node.get("/js/main.js");
  REQUIRE(first.status == 200);
  auto etag = header(first, "etag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  auto again = node.get("/js/main.js", {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(header(again, "etag") == etag);
  auto changed = node.get("/js/main.js", {{"If-None-Match", "\"other\""}});
  CHECK(changed.status == 200);
  CHECK(changed.body == first.body);
  // Another file has another tag.
  CHECK(header(node.get("/css/app.css"), "etag") != etag);
}

TEST_CASE("no file outside the client is served: unknown paths, traversal, "
          "other methods") {
  running_node node;
  CHECK(node.get("/js/nope.js").status == 404);
  CHECK(node.get("/README.md").status == 404);
  CHECK(node.get("/meson.build").status == 404);
  CHECK(node.get("/js/../index.html").status == 404);
  CHECK(node.get("/%2e%2e/meson.build").status == 404);
  auto posted = node.post("/index.html", "{}");
  CHECK(posted.status == 405);
  CHECK(posted.body.find("method_not_allowed") != std::string::npos);
}
