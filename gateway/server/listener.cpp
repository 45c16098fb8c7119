// The TCP listener. Its acceptor, retry timer, back-off and error log
// belong to the acceptor's strand: every handler below runs there.
#include "gateway/server/listener.hpp"

#include <iostream>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/server/http_session.hpp"

namespace parley {

namespace {

namespace net = boost::asio;

/// The errno of a failed accept; 0 (retried later) for anything else.
int errno_of(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() ? ec.value() : 0;
}

} // namespace

listener::listener(net::io_context& ioc, node_context& node,
                   connection_set& connections, http_role role)
    : ioc_(ioc)
    , acceptor_(net::make_strand(ioc))
    , retry_timer_(acceptor_.get_executor())
    , node_(node)
    , connections_(connections)
    , role_(role) {}

boost::system::error_code listener::open(const net::ip::tcp::endpoint& at) {
  boost::system::error_code ec;
  acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

net::ip::tcp::endpoint listener::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void listener::do_accept() {
  acceptor_.async_accept(
      net::make_strand(ioc_),
      [self = shared_from_this()](boost::system::error_code ec,
                                  net::ip::tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void listener::on_accept(boost::system::error_code ec,
                         net::ip::tcp::socket socket) {
  if (!acceptor_.is_open()) return; // stopped
  auto now = accept_error_log::clock::now();
  if (ec) {
    if (auto line = accept_log_.failed(ec.message(), now))
      std::cerr << *line << std::endl;
    if (retry_for(errno_of(ec)) == accept_retry::now) return do_accept();
    retry_timer_.expires_after(backoff_.next());
    retry_timer_.async_wait(
        [self = shared_from_this()](boost::system::error_code wait_ec) {
          if (!wait_ec) self->do_accept();
        });
    return;
  }
  backoff_.reset();
  if (auto line = accept_log_.accepted(now)) std::cerr << *line << std::endl;
  // Frames are small and latency matters: with Nagle, a frame waits until
  // the previous one is acknowledged, which the client may delay (measured:
  // 20 ms per message at 5,000 msgs/s). A socket without it still works.
  boost::system::error_code ignored;
  socket.set_option(net::ip::tcp::no_delay(true), ignored);
  start_http_session(std::move(socket), node_, connections_, role_);
  do_accept();
}

} // namespace parley
