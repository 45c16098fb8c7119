// One HTTP connection on its own strand: read a request, answer it (the
// REST API answers asynchronously from actors, posted back to the strand),
// read the next. A WebSocket upgrade is authenticated here, before any
// actor exists, and then handed to ws_connection.
#include "gateway/server/http_session.hpp"

#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <variant>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "actors/metrics/node_metrics.hpp"
#include "gateway/admin/admin_api.hpp"
#include "gateway/bearer_auth.hpp"
#include "gateway/http/stream_query.hpp"
#include "gateway/http/target.hpp"
#include "gateway/http_api.hpp"
#include "gateway/server/ws_connection.hpp"
#include "proto/json/http_body.hpp"
#include "proto/limits.hpp"

namespace parley {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

/// A client has this long to send a complete request (also keep-alive idle).
constexpr auto request_timeout = std::chrono::seconds(30);

/// Request line plus headers; generous for tokens, small for attackers.
constexpr std::uint32_t max_header_bytes = 8 * 1024;

/// Beast 1.74 hands out boost::string_view; the rest of Parley uses std.
std::string_view std_view(boost::beast::string_view x) {
  return std::string_view{x.data(), x.size()};
}

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(net::ip::tcp::socket socket, node_context& node,
               connection_set& connections, http_role role)
      : stream_(std::move(socket))
      , node_(node)
      , connections_(connections)
      , role_(role) {}

  void run() { do_read(); }

private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(limits::max_http_body_bytes);
    stream_.expires_after(request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      shutdown();
      return;
    }
    // Requests that cannot be read reach no route: counted as "other".
    if (ec == http::error::body_limit) {
      count_unrouted(413);
      reply_and_close(413, error_code::invalid_request, "body too large");
      return;
    }
    if (ec) {
      count_unrouted(400);
      reply_and_close(400, error_code::invalid_request,
                      "malformed HTTP request: " + ec.message());
      return;
    }
    if (role_ == http_role::public_api &&
        beast::websocket::is_upgrade(parser_->get())) {
      upgrade(parser_->release());
      return;
    }
    auto& req = parser_->get();
    api_request request{std::string{req.method_string()},
                        std::string{req.target()}, std::move(req.body()),
                        std::string{req[http::field::authorization]},
                        std::string{req[http::field::if_none_match]}};
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    auto respond = [self = shared_from_this()](api_reply reply) {
      net::post(self->stream_.get_executor(),
                [self, reply = std::move(reply)]() mutable {
                  self->write(reply.status, std::move(reply.body),
                              reply.content_type, reply.headers);
                });
    };
    if (role_ == http_role::admin)
      handle_admin_request(node_, std::move(request), std::move(respond));
    else
      handle_api_request(node_, std::move(request), std::move(respond));
  }

  void
  write(int status, std::string body,
        const std::string& content_type = "application/json",
        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(status), version_);
    res->set(http::field::server, "parley");
    // A 304 has no body, so no content type either.
    if (status != 304) res->set(http::field::content_type, content_type);
    for (const auto& [name, value] : headers)
      res->set(name, value);
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
          if (ec || res->need_eof())
            self->shutdown();
          else
            self->do_read();
        });
  }

  /// parley_http_requests_total counts the public API's requests only.
  void count_unrouted(int status) {
    if (role_ == http_role::public_api)
      metrics::count_http_request(metrics::http_route::other, status);
  }

  void reply_and_close(int status, error_code code, const std::string& text) {
    keep_alive_ = false;
    write(status, json::encode_error_body(code, text));
  }

  void upgrade(http::request<http::string_body> req) {
    keep_alive_ = false;
    version_ = req.version();
    if (node_.draining.load(std::memory_order_relaxed)) {
      metrics::node().upgrades_refused.add();
      reply_and_close(503, error_code::unavailable,
                      "this node is draining; connect to another node");
      return;
    }
    auto target = parse_target(std_view(req.target()));
    if (!target || target->path != "/ws") {
      metrics::node().upgrades_refused.add();
      reply_and_close(404, error_code::not_found, "no such route");
      return;
    }
    auto query_token = target->query.find("access_token");
    auto who =
        authenticate(node_.token_key, std_view(req[http::field::authorization]),
                     query_token == target->query.end()
                         ? std::nullopt
                         : std::optional<std::string_view>{
                               std::string_view{query_token->second}});
    if (!who) {
      metrics::node().upgrades_unauthorized.add();
      reply_and_close(401, error_code::unauthorized,
                      default_message(error_code::unauthorized));
      return;
    }
    auto stream = parse_stream_options(*target);
    if (auto* why = std::get_if<std::string>(&stream)) {
      metrics::node().upgrades_refused.add();
      reply_and_close(400, error_code::invalid_request, *why);
      return;
    }
    metrics::node().upgrades_accepted.add();
    stream_.expires_never();
    start_ws_connection(stream_.release_socket(), std::move(req), node_,
                        connections_, std::move(*who),
                        std::move(std::get<stream_options>(stream)));
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  node_context& node_;
  connection_set& connections_;
  http_role role_;
};

} // namespace

void start_http_session(net::ip::tcp::socket socket, node_context& node,
                        connection_set& connections, http_role role) {
  std::make_shared<http_session>(std::move(socket), node, connections, role)
      ->run();
}

} // namespace parley
