// Turning a store's expected<T> into an actor's reply.
#pragma once

#include <utility>

#include <caf/expected.hpp>
#include <caf/result.hpp>

namespace parley {

/// The value, or the error, of a store call as the reply to a request.
template <class T>
caf::result<T> reply(caf::expected<T>&& x) {
  if (x) return std::move(*x);
  return std::move(x.error());
}

} // namespace parley
