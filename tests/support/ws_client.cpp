// A synchronous WebSocket client for tests. Every call runs the client's
// private io_context on the calling thread until the asynchronous Beast
// operation it started completes or a deadline passes; Beast's synchronous
// calls have no timeouts and (in Boost 1.74) drop the refusal response.
#include "tests/support/ws_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace parley::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

/// Larger messages are a server bug as far as tests are concerned.
constexpr std::size_t max_message_bytes = 16 * 1024 * 1024;

/// Close code for "the connection ended without a close frame" (RFC 6455).
constexpr int abnormal_closure = 1006;

/// How long an abandoned operation may take to report its cancellation.
constexpr std::chrono::seconds cancel_grace{2};

/// One finished read: a message, or the error that ended the connection.
struct received {
  beast::error_code ec;
  std::string data;
};

} // namespace

/// Everything Beast: hidden here so that tests compile without it. Handlers
/// capture `this`; the object lives on the heap and outlives its io_context's
/// handlers, since `ioc` is destroyed last and discards pending ones.
struct ws_client::state {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer read_buffer;
  bool read_in_flight = false;
  std::optional<received> read_result; ///< finished, not yet handed out
  bool op_in_flight = false;           ///< connect, handshake, write, close
  beast::error_code op_ec;
  std::optional<int> closed_code; ///< set once the connection is over
  std::string close_reason;

  /// A completion handler for the one non-read operation in flight.
  auto op_handler() {
    op_in_flight = true;
    op_ec = {};
    return [this](beast::error_code ec, auto&&...) {
      op_in_flight = false;
      op_ec = ec;
    };
  }

  /// Runs handlers until `done` holds; false when `deadline` passes first.
  template <class Predicate>
  bool run_until(Predicate done, clock_type::time_point deadline) {
    while (!done()) {
      auto now = clock_type::now();
      if (now >= deadline) return false;
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(deadline - now);
    }
    return true;
  }

  /// Waits for the operation in flight; on timeout the connection is torn
  /// down (a half-done write leaves it unusable) and the call throws.
  void finish_op(const std::string& what, clock_type::time_point deadline) {
    if (!run_until([this] { return !op_in_flight; }, deadline)) {
      abort_connection();
      throw std::runtime_error("ws_client: " + what + " timed out");
    }
    if (op_ec)
      throw std::runtime_error("ws_client: " + what + ": " + op_ec.message());
  }

  /// Closes the socket and lets the cancelled handlers run, so that none
  /// is left pending.
  void abort_connection() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    run_until([this] { return !op_in_flight && !read_in_flight; },
              clock_type::now() + cancel_grace);
    if (!closed_code) closed_code = abnormal_closure;
  }

  void start_read() {
    if (read_in_flight || read_result || closed_code) return;
    read_in_flight = true;
    ws.async_read(read_buffer, [this](beast::error_code ec, std::size_t) {
      read_in_flight = false;
      read_result = received{ec, beast::buffers_to_string(read_buffer.data())};
      read_buffer.consume(read_buffer.size());
    });
  }

  /// The next read outcome, nullopt on timeout. After the connection ended
  /// every call reports websocket::error::closed at once.
  std::optional<received> next(clock_type::time_point deadline) {
    if (closed_code) return received{websocket::error::closed, {}};
    start_read();
    if (!run_until([this] { return read_result.has_value(); }, deadline))
      return std::nullopt;
    auto result = std::move(*read_result);
    read_result.reset();
    if (result.ec) note_end(result.ec);
    return result;
  }

  void note_end(const beast::error_code& ec) {
    // A close frame that arrived counts even when the TCP connection then
    // ended badly (RFC 6455 7.1.5): Beast 1.74 may reset after a 1009.
    if (ec == websocket::error::closed ||
        ws.reason().code != websocket::close_code::none) {
      closed_code = static_cast<int>(ws.reason().code);
      close_reason.assign(ws.reason().reason.data(), ws.reason().reason.size());
    } else {
      closed_code = abnormal_closure;
    }
  }

  void write(std::string_view data, bool text) {
    if (closed_code)
      throw std::runtime_error("ws_client: send after the connection closed");
    ws.text(text);
    ws.async_write(asio::buffer(data.data(), data.size()), op_handler());
    finish_op("send", clock_type::now() + io_timeout);
  }
};

ws_client::ws_client(std::unique_ptr<state> self)
    : self_(std::move(self)) {}

ws_client::~ws_client() {
  // An abrupt end is fine for tests: the server must survive it anyway.
  beast::error_code ignored;
  beast::get_lowest_layer(self_->ws).socket().close(ignored);
}

ws_connect_result ws_client::connect(const std::string& host,
                                     unsigned short port,
                                     const std::string& target,
                                     const header_list& headers) {
  auto self = std::make_unique<state>();
  auto deadline = clock_type::now() + io_timeout;
  auto where = host + ":" + std::to_string(port);
  tcp::resolver resolver{self->ioc};
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec)
    throw std::runtime_error("ws_client: resolve " + host + ": " +
                             ec.message());
  // The TCP layer's expiry bounds connect and handshake; afterwards reads
  // are bounded by each call's own deadline instead.
  auto& tcp_layer = beast::get_lowest_layer(self->ws);
  tcp_layer.expires_at(deadline);
  tcp_layer.async_connect(endpoints, self->op_handler());
  self->finish_op("connect to " + where, deadline + cancel_grace);

  self->ws.read_message_max(max_message_bytes);
  self->ws.set_option(websocket::stream_base::decorator(
      [headers](websocket::request_type& request) {
        for (const auto& [name, value] : headers)
          request.set(name, value);
      }));
  websocket::response_type response;
  self->ws.async_handshake(response, where, target, self->op_handler());
  if (!self->run_until([&] { return !self->op_in_flight; },
                       deadline + cancel_grace)) {
    self->abort_connection();
    throw std::runtime_error("ws_client: handshake with " + where +
                             " timed out");
  }
  tcp_layer.expires_never();
  ws_connect_result result;
  if (!self->op_ec) {
    result.client.reset(new ws_client(std::move(self)));
    return result;
  }
  // The asynchronous handshake hands over the response even when the
  // server declined; a zero status means no response was read at all.
  if (response.result_int() == 0)
    throw std::runtime_error("ws_client: handshake with " + where + ": " +
                             self->op_ec.message());
  result.refusal.status = static_cast<int>(response.result_int());
  result.refusal.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.refusal.headers[name] = std::string(field.value());
  }
  return result;
}

std::unique_ptr<ws_client> ws_client::open(const std::string& host,
                                           unsigned short port,
                                           const std::string& target,
                                           const header_list& headers) {
  auto result = connect(host, port, target, headers);
  if (!result.client)
    throw std::runtime_error("ws_client: upgrade refused with HTTP " +
                             std::to_string(result.refusal.status) + ": " +
                             result.refusal.body);
  return std::move(result.client);
}

void ws_client::send_text(std::string_view text) {
  self_->write(text, true);
}

void ws_client::send_binary(std::string_view data) {
  self_->write(data, false);
}

std::optional<std::string>
ws_client::read_text(std::chrono::milliseconds timeout) {
  auto result = self_->next(clock_type::now() + timeout);
  if (!result) return std::nullopt;
  if (result->ec)
    throw std::runtime_error(
        "ws_client: connection closed while reading (code " +
        std::to_string(*self_->closed_code) + ", " + result->ec.message() +
        ")");
  return std::move(result->data);
}

std::optional<rapidjson::Document>
ws_client::read_json(std::chrono::milliseconds timeout) {
  auto text = read_text(timeout);
  if (!text) return std::nullopt;
  rapidjson::Document document;
  document.Parse(text->data(), text->size());
  if (document.HasParseError())
    throw std::runtime_error("ws_client: received invalid JSON: " + *text);
  return document;
}

std::optional<std::string>
ws_client::read_until(const message_predicate& matches,
                      std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
    auto text = read_text(std::max(remaining, std::chrono::milliseconds{0}));
    if (!text || matches(*text)) return text;
  }
}

std::optional<int> ws_client::expect_close(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    auto result = self_->next(deadline);
    if (!result) return std::nullopt;
    if (result->ec) return self_->closed_code;
  }
}

std::string ws_client::close_reason() const {
  return self_->close_reason;
}

void ws_client::close(int code) {
  auto& self = *self_;
  if (!self.closed_code) {
    self.ws.async_close(
        websocket::close_reason(static_cast<std::uint16_t>(code)),
        self.op_handler());
    // With a read pending, that read receives the server's close frame;
    // otherwise the close operation drains the connection until it does.
    auto finished = self.run_until(
        [&] { return !self.op_in_flight && !self.read_in_flight; },
        clock_type::now() + io_timeout);
    if (finished && self.read_result && self.read_result->ec)
      self.note_end(self.read_result->ec);
    else if (finished && !self.op_ec)
      self.note_end(websocket::error::closed);
  }
  self.abort_connection();
}

ws_client::message_predicate json_type_is(std::string type) {
  return [type = std::move(type)](const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError() || !document.IsObject()) return false;
    auto it = document.FindMember("type");
    return it != document.MemberEnd() && it->value.IsString() &&
           type == it->value.GetString();
  };
}

} // namespace parley::testing
