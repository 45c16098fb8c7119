// The TCP socket under a connection's Beast WebSocket stream. Reads pass
// straight through; every write (Beast's own: the handshake reply, pongs,
// the close frame) is appended to the connection's outbound bytes, where
// the connection also appends its data frames. One byte stream, written by
// one owner, so Beast's control frames can never land inside a data frame,
// and all frames queued at once leave in one send call.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace parley {

/// Where the bytes written through a coalescing_socket go. Implemented by
/// the connection; called on the connection's strand only.
class outbound_sink {
public:
  virtual ~outbound_sink() = default;

  /// Appends bytes after everything queued so far; they go out soon.
  virtual void append(const char* data, std::size_t size) = 0;

  /// Runs `then` once every byte appended so far was handed to the kernel
  /// (or the socket failed).
  virtual void when_flushed(std::function<void()> then) = 0;
};

/// A tcp::socket whose writes join an outbound_sink (see above).
class coalescing_socket {
public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;

  explicit coalescing_socket(socket_type socket)
      : socket_(std::move(socket)) {}

  /// Must be set before the first write; the sink outlives this socket.
  void set_sink(outbound_sink* sink) { sink_ = sink; }

  outbound_sink& sink() { return *sink_; }

  executor_type get_executor() noexcept { return socket_.get_executor(); }

  socket_type& next_layer() noexcept { return socket_; }
  const socket_type& next_layer() const noexcept { return socket_; }

  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  /// Takes all bytes at once and completes (posted, never inline) with
  /// success: a failure of the socket shows in the connection's flush.
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    namespace net = boost::asio;
    std::size_t total = 0;
    for (auto i = net::buffer_sequence_begin(buffers);
         i != net::buffer_sequence_end(buffers); ++i) {
      net::const_buffer chunk = *i;
      sink_->append(static_cast<const char*>(chunk.data()), chunk.size());
      total += chunk.size();
    }
    return net::async_initiate<Handler,
                               void(boost::beast::error_code, std::size_t)>(
        [this, total](auto&& done) {
          net::post(socket_.get_executor(),
                    boost::beast::bind_handler(
                        std::move(done), boost::beast::error_code{}, total));
        },
        handler);
  }

private:
  socket_type socket_;
  outbound_sink* sink_ = nullptr;
};

/// Beast tears the connection down after the close handshake; the close
/// frame may still wait in the sink, so the TCP teardown waits for it.
template <class Handler>
void async_teardown(boost::beast::role_type role, coalescing_socket& socket,
                    Handler&& handler) {
  // std::function needs a copyable callable; Beast's handler is move-only.
  auto held =
      std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
  socket.sink().when_flushed([role, &socket, held] {
    boost::beast::websocket::async_teardown(
        role, socket.next_layer(),
        [held](boost::beast::error_code ec) { (*held)(ec); });
  });
}

/// Synchronous teardown (Beast's blocking close; unused by Parley).
inline void teardown(boost::beast::role_type role, coalescing_socket& socket,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, socket.next_layer(), ec);
}

} // namespace parley
