// The WebSocket connection: owns the Beast stream, its buffers and queue.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/auth/access_token.hpp"
#include "gateway/node_context.hpp"
#include "gateway/server/connection_set.hpp"

namespace parley {

/// Creates a connection for an authenticated upgrade request, completes the
/// WebSocket handshake on the socket's strand and then spawns its session.
void start_ws_connection(
    boost::asio::ip::tcp::socket socket,
    boost::beast::http::request<boost::beast::http::string_body> upgrade,
    node_context& node, connection_set& connections, auth::token_claims who,
    stream_options stream);

} // namespace parley
