// A tiny HTTP and WebSocket server for testing the test clients themselves.
// Blocking Beast calls on one thread per connection: simple, and enough for
// a handful of connections per test.
#include "tests/support/self_test/loopback_server.hpp"

#include <mutex>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace parley::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr std::string_view refusal_body =
    R"({"error":{"code":"unauthorized","message":"bad token"}})";

void echo_websocket(websocket::stream<tcp::socket&>& ws) {
  beast::flat_buffer buffer;
  for (;;) {
    ws.read(buffer);
    auto text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (text.rfind("close:", 0) == 0) {
      auto code = static_cast<std::uint16_t>(std::stoi(text.substr(6)));
      ws.close(websocket::close_reason(static_cast<websocket::close_code>(code),
                                       "asked to"));
      // Wait for the client's answering close frame.
      for (;;)
        ws.read(buffer);
    }
    if (text == "drop") {
      ws.next_layer().close();
      return;
    }
    if (text.rfind("twice:", 0) == 0) {
      ws.text(true);
      ws.write(asio::buffer(text.substr(6)));
      ws.write(asio::buffer(text.substr(6)));
      continue;
    }
    ws.text(ws.got_text());
    ws.write(asio::buffer(text));
  }
}

void serve(tcp::socket& socket) {
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::read(socket, buffer, request);
  if (websocket::is_upgrade(request)) {
    if (request[http::field::authorization] != "Bearer good") {
      http::response<http::string_body> response{http::status::unauthorized,
                                                 11};
      response.set(http::field::content_type, "application/json");
      response.keep_alive(false);
      response.body() = std::string(refusal_body);
      response.prepare_payload();
      http::write(socket, response);
      return;
    }
    websocket::stream<tcp::socket&> ws{socket};
    ws.accept(request);
    echo_websocket(ws);
    return;
  }
  http::response<http::string_body> response{http::status::ok, 11};
  response.set("X-Echo", request["X-Test"]);
  response.keep_alive(false);
  response.body() = std::string(request.method_string()) + " " +
                    std::string(request.target()) + " " + request.body();
  response.prepare_payload();
  http::write(socket, response);
}

} // namespace

/// The sockets stay open until the server goes, so that the destructor can
/// shut them down to wake blocked reads without hitting a reused descriptor.
struct loopback_server::state {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::mutex mutex;
  std::vector<std::unique_ptr<tcp::socket>> sockets;
  std::vector<std::thread> connections;
  std::thread accepting;

  void accept_loop() {
    for (;;) {
      auto socket = std::make_unique<tcp::socket>(ioc);
      beast::error_code ec;
      acceptor.accept(*socket, ec);
      if (ec) return; // the destructor shut the acceptor down
      std::lock_guard<std::mutex> guard{mutex};
      connections.emplace_back([&socket = *socket] {
        // Errors just end the connection: clients may leave at any time.
        try {
          serve(socket);
        } catch (const std::exception&) {
        }
      });
      sockets.push_back(std::move(socket));
    }
  }
};

loopback_server::loopback_server()
    : self_(std::make_unique<state>()) {
  self_->accepting = std::thread([this] { self_->accept_loop(); });
}

loopback_server::~loopback_server() {
  ::shutdown(self_->acceptor.native_handle(), SHUT_RDWR);
  self_->accepting.join();
  std::lock_guard<std::mutex> guard{self_->mutex};
  for (auto& socket : self_->sockets)
    ::shutdown(socket->native_handle(), SHUT_RDWR);
  for (auto& connection : self_->connections)
    connection.join();
}

unsigned short loopback_server::port() const {
  return self_->acceptor.local_endpoint().port();
}

} // namespace parley::testing
