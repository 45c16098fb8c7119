// The open WebSocket connections of a node, for closing them at shutdown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/connection_port.hpp"

namespace parley {

/// Weak references to every open connection. Locked once per connection
/// open and close and once at shutdown, never per message.
class connection_set {
public:
  /// Remembers an open connection.
  void add(const connection_ptr& conn) {
    std::lock_guard<std::mutex> guard{mutex_};
    open_.emplace(conn.get(), conn);
  }

  /// Forgets a connection that has ended.
  void remove(const connection_port* conn) {
    std::lock_guard<std::mutex> guard{mutex_};
    open_.erase(conn);
  }

  /// Open connections.
  std::size_t size() {
    std::lock_guard<std::mutex> guard{mutex_};
    return open_.size();
  }

  /// Closes every open connection with the given code (1001 at shutdown).
  void close_all(std::uint16_t code, const std::string& reason) {
    std::unordered_map<const connection_port*, std::weak_ptr<connection_port>>
        copy;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      copy = open_;
    }
    for (auto& [ptr, weak] : copy)
      if (auto conn = weak.lock()) conn->close(code, reason);
  }

private:
  std::mutex mutex_;
  std::unordered_map<const connection_port*, std::weak_ptr<connection_port>>
      open_;
};

} // namespace parley
