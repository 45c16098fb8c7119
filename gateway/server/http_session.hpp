// One HTTP connection: reads requests, answers the REST API, or upgrades.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "gateway/node_context.hpp"
#include "gateway/server/connection_set.hpp"

namespace parley {

/// What a listener serves.
enum class http_role {
  public_api, ///< the REST API and WebSocket upgrades on /ws
  admin,      ///< GET /metrics and /admin/* (gateway/admin), no upgrades
};

/// Serves HTTP/1.1 on an accepted socket (keep-alive, one request at a
/// time); on the public port a valid WebSocket upgrade on /ws becomes a
/// ws_connection.
void start_http_session(boost::asio::ip::tcp::socket socket, node_context& node,
                        connection_set& connections, http_role role);

} // namespace parley
