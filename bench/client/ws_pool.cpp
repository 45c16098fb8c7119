// The WebSocket client pool: one Beast stream per slot, one read always
// pending, one write in flight with a queue behind it. Handlers capture the
// slot by reference: slots never move, and shutdown waits for every handler
// before the pool goes.
#include "bench/client/ws_pool.hpp"

#include <deque>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/client/loop_impl.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 // linux/in.h, Linux 4.2
#endif

namespace parley::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

enum class phase { idle, opening, open, closed };

/// How often connects in flight are checked against their deadline.
constexpr auto sweep_interval = std::chrono::seconds(1);

/// Spare write buffers kept for reuse; beyond this they are freed.
constexpr std::size_t max_spare_buffers = 4096;

} // namespace

// A plain socket bound to the io_context's own executor: no type-erased
// executor and no per-operation timer checks on the hot path. Connecting
// is bounded by the pool's sweeper, the handshake by the WebSocket's timer.
using socket_type =
    asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using ws_stream = websocket::stream<socket_type>;

/// One connection slot. The stream is made anew for every open, since a
/// Beast stream cannot be reused once its socket has closed.
struct slot {
  explicit slot(std::uint32_t i)
      : index(i) {}
  std::unique_ptr<ws_stream> ws;
  beast::flat_buffer in;
  std::deque<std::string> out; ///< front() is being written
  bool writing = false;
  phase state = phase::idle;
  bool connecting = false; ///< TCP connect in flight
  bool timed_out = false;  ///< the sweeper gave up on the connect
  std::chrono::steady_clock::time_point connect_deadline;
  std::uint32_t index;
  std::uint32_t target = 0; ///< the loop's target number
  std::string path;         ///< GET path of the upgrade
};

struct ws_pool::state {
  event_loop::impl& loop;
  ws_pool_config config;
  ws_events& events;
  std::vector<std::unique_ptr<slot>> slots;
  std::vector<std::string> spare;
  std::size_t handlers_pending = 0;
  std::vector<bool> bind_sources; ///< per target: loopback IPv4
  bool shutting_down = false;     ///< no more events once set
  std::size_t connecting = 0;     ///< slots with a TCP connect in flight
  std::size_t queued = 0;         ///< messages in open slots' out queues
  asio::steady_timer sweeper;
  bool sweeping = false;

  state(event_loop::impl& l, ws_pool_config c, ws_events& e)
      : loop(l)
      , config(c)
      , events(e)
      , sweeper(l.ioc) {}

  /// Wraps a handler so that shutdown can count what is still pending.
  template <class Fn>
  auto tracked(Fn fn) {
    ++handlers_pending;
    return [this, fn = std::move(fn)](auto&&... args) mutable {
      --handlers_pending;
      fn(std::forward<decltype(args)>(args)...);
    };
  }

  /// Once a second while connects are in flight, closes the sockets of
  /// those past their deadline (a full SYN backlog retries for minutes).
  void sweep() {
    if (sweeping || connecting == 0 || shutting_down) return;
    sweeping = true;
    sweeper.expires_after(sweep_interval);
    sweeper.async_wait(tracked([this](beast::error_code ec) {
      sweeping = false;
      if (ec) return;
      auto now = std::chrono::steady_clock::now();
      for (auto& s : slots)
        if (s->connecting && now >= s->connect_deadline) {
          s->timed_out = true;
          beast::error_code ignored;
          beast::get_lowest_layer(*s->ws).close(ignored);
        }
      sweep();
    }));
  }

  void open(slot& s) {
    s.ws = std::make_unique<ws_stream>(loop.ioc);
    s.in.clear();
    s.out.clear();
    s.writing = false;
    s.state = phase::opening;
    auto& stream = beast::get_lowest_layer(*s.ws);
    const auto& endpoint = loop.targets[s.target].endpoint;
    beast::error_code ec;
    stream.open(endpoint.protocol(), ec);
    if (!ec && bind_sources[s.target]) {
      // Many source addresses multiply the ephemeral ports available;
      // IP_BIND_ADDRESS_NO_PORT lets connect pick the port per destination.
      int one = 1;
      setsockopt(stream.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
                 &one, sizeof one);
      auto host = 0x7f000001u + s.index % config.source_addresses;
      stream.bind({asio::ip::address_v4(host), 0}, ec);
    }
    if (ec) return open_failed(s, false, "socket: " + ec.message());
    s.connecting = true;
    s.timed_out = false;
    s.connect_deadline = std::chrono::steady_clock::now() + config.open_timeout;
    ++connecting;
    sweep();
    stream.async_connect(endpoint, tracked([this, &s](beast::error_code e) {
                           on_connect(s, e);
                         }));
  }

  void on_connect(slot& s, beast::error_code ec) {
    s.connecting = false;
    --connecting;
    if (s.timed_out) return open_failed(s, false, "connect: timed out");
    if (ec) return open_failed(s, false, "connect: " + ec.message());
    auto& stream = beast::get_lowest_layer(*s.ws);
    stream.set_option(tcp::no_delay(true), ec);
    s.ws->set_option(websocket::stream_base::timeout{
        config.open_timeout, websocket::stream_base::none(), false});
    s.ws->read_message_max(config.max_message_bytes);
    s.ws->auto_fragment(false);
    s.ws->async_handshake(
        loop.targets[s.target].host_header, s.path,
        tracked([this, &s](beast::error_code e) { on_handshake(s, e); }));
  }

  void on_handshake(slot& s, beast::error_code ec) {
    if (ec) {
      bool refused = ec == websocket::error::upgrade_declined;
      return open_failed(s, refused, "upgrade: " + ec.message());
    }
    s.state = phase::open;
    events.on_open(s.index);
    if (s.state == phase::open) read(s);
  }

  void open_failed(slot& s, bool refused, const std::string& why) {
    beast::error_code ignored;
    beast::get_lowest_layer(*s.ws).close(ignored);
    s.state = phase::closed;
    // Reported from a fresh handler, so that a listener may reopen the slot
    // (replacing its stream) without pulling it from under this one.
    asio::post(loop.ioc, tracked([this, &s, refused, why] {
                 if (!shutting_down)
                   events.on_open_failed(s.index, refused, why);
               }));
  }

  void read(slot& s) {
    s.ws->async_read(s.in,
                     tracked([this, &s](beast::error_code ec, std::size_t) {
                       on_read(s, ec);
                     }));
  }

  void on_read(slot& s, beast::error_code ec) {
    if (ec) return lost(s, ec);
    auto data = s.in.cdata();
    events.on_frame(s.index,
                    {static_cast<const char*>(data.data()), data.size()});
    s.in.consume(s.in.size());
    if (s.state == phase::open) read(s);
  }

  void write(slot& s) {
    s.writing = true;
    s.ws->text(true);
    s.ws->async_write(asio::buffer(s.out.front()),
                      tracked([this, &s](beast::error_code ec, std::size_t) {
                        on_write(s, ec);
                      }));
  }

  void on_write(slot& s, beast::error_code ec) {
    s.writing = false;
    if (s.out.empty()) return; // the slot was reopened meanwhile
    recycle(std::move(s.out.front()));
    s.out.pop_front();
    if (s.state == phase::open) --queued; // else lost() uncounted it
    if (ec) return lost(s, ec);
    if (!s.out.empty() && s.state == phase::open) write(s);
  }

  /// An open connection ended: report it once.
  void lost(slot& s, beast::error_code ec) {
    if (s.state != phase::open) return;
    s.state = phase::closed;
    queued -= s.out.size(); // never to be written
    std::string why = ec.message();
    if (ec == websocket::error::closed)
      why = "closed by server with code " + std::to_string(s.ws->reason().code);
    beast::error_code ignored;
    beast::get_lowest_layer(*s.ws).close(ignored);
    events.on_closed(s.index, why);
  }

  std::string take_buffer() {
    if (spare.empty()) return {};
    auto buffer = std::move(spare.back());
    spare.pop_back();
    return buffer;
  }

  void recycle(std::string buffer) {
    if (spare.size() < max_spare_buffers) spare.push_back(std::move(buffer));
  }
};

ws_pool::ws_pool(event_loop& loop, ws_pool_config config, ws_events& events,
                 std::uint32_t connections)
    : self_(std::make_unique<state>(loop.native(), config, events)) {
  for (const auto& target : loop.native().targets) {
    auto address = target.endpoint.address();
    self_->bind_sources.push_back(address.is_v4() &&
                                  address.to_v4().to_bytes()[0] == 127 &&
                                  config.source_addresses > 1);
  }
  self_->slots.reserve(connections);
  for (std::uint32_t i = 0; i < connections; ++i)
    self_->slots.push_back(std::make_unique<slot>(i));
}

ws_pool::~ws_pool() {
  shutdown(std::chrono::seconds(2));
}

void ws_pool::open(std::uint32_t conn, std::uint32_t target,
                   const std::string& path) {
  auto& s = *self_->slots.at(conn);
  if (s.state == phase::opening || s.state == phase::open ||
      self_->shutting_down)
    return;
  if (target >= self_->loop.targets.size())
    throw std::out_of_range("ws_pool::open: no target " +
                            std::to_string(target));
  s.target = target;
  s.path = path;
  self_->open(s);
}

bool ws_pool::send(std::uint32_t conn, std::string_view text) {
  auto& s = *self_->slots[conn];
  if (s.state != phase::open) return false;
  auto buffer = self_->take_buffer();
  buffer.assign(text);
  s.out.push_back(std::move(buffer));
  ++self_->queued;
  if (!s.writing) self_->write(s);
  return true;
}

bool ws_pool::is_open(std::uint32_t conn) const {
  return self_->slots[conn]->state == phase::open;
}

std::size_t ws_pool::writes_pending() const {
  return self_->queued;
}

void ws_pool::shutdown(std::chrono::milliseconds grace) {
  if (!self_) return;
  self_->shutting_down = true;
  self_->sweeper.cancel();
  for (auto& s : self_->slots) {
    if (s->state == phase::open) s->state = phase::closed;
    if (!s->ws) continue;
    beast::error_code ignored;
    beast::get_lowest_layer(*s->ws).close(ignored);
  }
  auto& ioc = self_->loop.ioc;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (self_->handlers_pending > 0 &&
         std::chrono::steady_clock::now() < deadline)
    ioc.run_one_for(std::chrono::milliseconds(10));
  // Handlers still pending would touch freed slots: keep the state alive
  // (leak it) rather than risk that; the process is about to end anyway.
  if (self_->handlers_pending > 0) (void)self_.release();
}

} // namespace parley::bench
