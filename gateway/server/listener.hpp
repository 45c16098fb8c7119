// The TCP listener: accepts connections and hands each to an HTTP session.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "gateway/node_context.hpp"
#include "gateway/server/accept_errors.hpp"
#include "gateway/server/connection_set.hpp"
#include "gateway/server/http_session.hpp"

namespace parley {

/// Accepts until stopped; each socket gets its own strand.
class listener : public std::enable_shared_from_this<listener> {
public:
  /// A listener on `ioc`; nothing is bound until open().
  listener(boost::asio::io_context& ioc, node_context& node,
           connection_set& connections, http_role role = http_role::public_api);

  /// Binds and listens; the error says why not (e.g. address in use).
  boost::system::error_code open(const boost::asio::ip::tcp::endpoint& at);

  /// The bound address (the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// Starts accepting.
  void run();

  /// Stops accepting; safe from any thread.
  void stop();

private:
  void do_accept();
  void on_accept(boost::system::error_code ec,
                 boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  accept_backoff backoff_;
  accept_error_log accept_log_;
  node_context& node_;
  connection_set& connections_;
  http_role role_;
};

} // namespace parley
