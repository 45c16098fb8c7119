// The Asio side of event_loop, shared by the client units only (never
// included by scenario code).
#pragma once

#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bench/client/event_loop.hpp"

namespace parley::bench {

/// One server the clients may connect to.
struct loop_target {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header; ///< "HOST:PORT" for the Host field
};

/// The io_context and the resolved targets the clients connect to.
struct event_loop::impl {
  /// Concurrency hint 1: only the thread in run_until touches it.
  boost::asio::io_context ioc{1};
  /// Keeps run_one_for waiting (not spinning) while nothing is pending.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      keep_running{ioc.get_executor()};
  std::vector<loop_target> targets; ///< index = target number
};

} // namespace parley::bench
