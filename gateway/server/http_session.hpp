// One HTTP connection: reads requests, answers the REST API, or upgrades.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "gateway/node_context.hpp"
#include "gateway/server/connection_set.hpp"

namespace parley {

/// Serves HTTP/1.1 on an accepted socket (keep-alive, one request at a
/// time); a valid WebSocket upgrade on /ws becomes a ws_connection.
void start_http_session(boost::asio::ip::tcp::socket socket, node_context& node,
                        connection_set& connections);

} // namespace parley
