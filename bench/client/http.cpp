// The HTTP client: connect, write, read, with a 30 s limit per step, on a
// connection kept alive between requests. The state is shared with the
// pending handler, so dropping the client mid-request is safe.
#include "bench/client/http.hpp"

#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench/client/loop_impl.hpp"

namespace parley::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto step_timeout = std::chrono::seconds(30);

/// Response bodies here are small JSON objects.
constexpr std::size_t max_body_bytes = 1024 * 1024;

} // namespace

struct http_client::state : std::enable_shared_from_this<state> {
  event_loop::impl& loop;
  loop_target target; ///< a copy: the loop may add targets later
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  std::optional<http::response_parser<http::string_body>> parser;
  callback done;
  bool connected = false;
  bool retried = false;
  bool busy = false;

  state(event_loop::impl& l, std::uint32_t target_index)
      : loop(l)
      , target(l.targets.at(target_index))
      , stream(l.ioc) {}

  void start() {
    if (!connected) return connect();
    write();
  }

  void connect() {
    beast::error_code ignored;
    stream.socket().close(ignored);
    buffer.clear();
    stream.expires_after(step_timeout);
    stream.async_connect(target.endpoint, [self = shared_from_this()](
                                              beast::error_code ec) {
      if (ec) return self->finish_error("connect", ec);
      self->connected = true;
      beast::error_code ignored;
      self->stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
      self->write();
    });
  }

  void write() {
    stream.expires_after(step_timeout);
    http::async_write(
        stream, req,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->retry_or_fail("write", ec);
          self->read();
        });
  }

  void read() {
    parser.emplace();
    parser->body_limit(max_body_bytes);
    stream.expires_after(step_timeout);
    http::async_read(
        stream, buffer, *parser,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->retry_or_fail("read", ec);
          self->finish_response();
        });
  }

  /// A kept-alive connection the server closed meanwhile fails on first
  /// use; that is worth one fresh attempt, anything else is not.
  void retry_or_fail(const char* step, beast::error_code ec) {
    connected = false;
    if (!retried) {
      retried = true;
      return connect();
    }
    finish_error(step, ec);
  }

  void finish_response() {
    auto response = parser->release();
    http_result result;
    result.status = static_cast<int>(response.result_int());
    result.body = std::move(response.body());
    if (!response.keep_alive()) {
      connected = false;
      beast::error_code ignored;
      stream.socket().close(ignored);
    }
    finish(std::move(result));
  }

  void finish_error(const char* step, beast::error_code ec) {
    connected = false;
    http_result result;
    result.error = std::string(step) + ": " + ec.message();
    finish(std::move(result));
  }

  void finish(http_result result) {
    busy = false;
    auto callback = std::move(done);
    done = nullptr;
    if (callback) callback(std::move(result));
  }
};

http_client::http_client(event_loop& loop, std::uint32_t target)
    : self_(std::make_shared<state>(loop.native(), target)) {}

http_client::~http_client() {
  beast::error_code ignored;
  self_->stream.socket().close(ignored);
  self_->done = nullptr; // a pending handler finishes into nothing
}

void http_client::request(const std::string& method, const std::string& target,
                          const std::string& body, callback done) {
  auto& s = *self_;
  s.busy = true;
  s.retried = false;
  s.done = std::move(done);
  s.req = {};
  s.req.method_string(method);
  s.req.target(target);
  s.req.version(11);
  s.req.set(http::field::host, s.target.host_header);
  s.req.set(http::field::user_agent, "parley-bench");
  if (!body.empty()) {
    s.req.set(http::field::content_type, "application/json");
    s.req.body() = body;
  }
  s.req.keep_alive(true);
  s.req.prepare_payload();
  s.start();
}

bool http_client::busy() const {
  return self_->busy;
}

} // namespace parley::bench
