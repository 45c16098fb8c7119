// The event loop: one io_context, run in slices by the calling thread so
// that scenario code reads as a sequence of phases.
#include "bench/client/event_loop.hpp"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "bench/client/loop_impl.hpp"

namespace parley::bench {

namespace asio = boost::asio;

event_loop::event_loop()
    : impl_(std::make_unique<impl>()) {}

event_loop::~event_loop() = default;

bool event_loop::add_target(const std::string& host, std::uint16_t port,
                            std::string& error) {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    error = "cannot resolve " + host + ": " + ec.message();
    return false;
  }
  auto endpoint = results.begin()->endpoint();
  auto name = endpoint.address().is_v6() ? "[" + host + "]" : host;
  impl_->targets.push_back({endpoint, name + ":" + std::to_string(port)});
  return true;
}

std::uint32_t event_loop::target_count() const {
  return static_cast<std::uint32_t>(impl_->targets.size());
}

const std::string& event_loop::target_name(std::uint32_t target) const {
  return impl_->targets.at(target).host_header;
}

void event_loop::after(std::chrono::nanoseconds delay,
                       std::function<void()> fn) {
  // The timer owns itself through the handler until it fires.
  auto timer = std::make_shared<asio::steady_timer>(impl_->ioc, delay);
  timer->async_wait([timer, fn = std::move(fn)](boost::system::error_code ec) {
    if (!ec) fn();
  });
}

bool event_loop::run_until(const std::function<bool()>& done,
                           std::chrono::steady_clock::time_point deadline) {
  // Short slices: a predicate that turns true through the clock alone (no
  // handler runs) is still noticed promptly.
  constexpr auto slice = std::chrono::milliseconds(5);
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (impl_->ioc.stopped()) impl_->ioc.restart();
    impl_->ioc.run_one_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, slice));
  }
  return true;
}

void event_loop::run_for(std::chrono::nanoseconds duration) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  run_until([] { return false; }, deadline);
}

/// The timer and the callback of its current wait.
struct loop_timer::state {
  explicit state(asio::io_context& ioc)
      : timer(ioc) {}
  asio::steady_timer timer;
  std::function<void()> fn;
};

loop_timer::loop_timer(event_loop& loop)
    : self_(std::make_unique<state>(loop.native().ioc)) {}

// The cancelled handler still runs once, with operation_aborted, before the
// io_context is destroyed; it touches nothing but its error code.
loop_timer::~loop_timer() = default;

void loop_timer::start(std::chrono::nanoseconds delay,
                       std::function<void()> fn) {
  self_->fn = std::move(fn);
  self_->timer.expires_after(delay);
  self_->timer.async_wait([s = self_.get()](boost::system::error_code ec) {
    if (!ec) s->fn();
  });
}

} // namespace parley::bench
