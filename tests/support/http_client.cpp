// A synchronous HTTP/1.1 client for tests. It drives Beast's asynchronous
// operations on a private io_context so that every step has a deadline, which
// Beast's synchronous calls lack.
#include "tests/support/http_client.hpp"

#include <cctype>
#include <stdexcept>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace parley::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// Responses larger than this are a server bug as far as tests are concerned.
constexpr std::size_t max_response_body_bytes = 16 * 1024 * 1024;

std::string lower_case(std::string_view text) {
  std::string result(text);
  for (auto& c : result)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

[[noreturn]] void fail(const std::string& step, const beast::error_code& ec) {
  throw std::runtime_error("http_request: " + step + ": " + ec.message());
}

/// Runs the io_context until the started operation completed; the stream's
/// expiry turns a hang into error::timeout.
void run_step(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

} // namespace

http_response http_request(std::string host, unsigned short port,
                           std::string method, std::string target,
                           std::string body, header_list headers) {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  auto deadline = std::chrono::steady_clock::now() + http_timeout;
  beast::error_code ec;
  tcp::resolver resolver{ioc};
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) fail("resolve " + host, ec);
  stream.expires_at(deadline);
  stream.async_connect(endpoints,
                       [&](beast::error_code e, const auto&) { ec = e; });
  run_step(ioc);
  if (ec) fail("connect to " + host + ":" + std::to_string(port), ec);

  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.keep_alive(false);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (auto& [name, value] : headers)
    request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  stream.expires_at(deadline);
  http::async_write(stream, request,
                    [&](beast::error_code e, std::size_t) { ec = e; });
  run_step(ioc);
  if (ec) fail("write " + method + " " + target, ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body_bytes);
  parser.skip(method == "HEAD");
  stream.expires_at(deadline);
  http::async_read(stream, buffer, parser,
                   [&](beast::error_code e, std::size_t) { ec = e; });
  run_step(ioc);
  if (ec) fail("read the response to " + method + " " + target, ec);

  auto& message = parser.get();
  http_response result;
  result.status = static_cast<int>(message.result_int());
  result.body = std::move(message.body());
  for (const auto& field : message) {
    auto& value = result.headers[lower_case(std::string(field.name_string()))];
    value += value.empty() ? "" : ", ";
    value += std::string(field.value());
  }
  // The server may already have closed; a failing shutdown changes nothing.
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

} // namespace parley::testing
