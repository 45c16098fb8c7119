// An encoded server frame shared, immutable, by every connection it goes to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

namespace parley {

/// One JSON text frame, encoded once and fanned out by reference. Locally it
/// travels as a pointer; across the network `inspect` sends the text itself.
/// `id` is the message id the frame carries (incoming_message,
/// outgoing_message, message_sent), 0 for other frames; the user actor
/// orders a session's stream by it. A frame handed to a session keeps its
/// id only if it is a message to the user: the connection reports the
/// highest such id it has written, which moves delivery cursors.
struct shared_frame {
  std::shared_ptr<const std::string> text;
  std::int64_t id = 0;
};

/// Wraps freshly encoded text of a frame that carries message `id` (or 0).
inline shared_frame make_shared_frame(std::string text, std::int64_t id = 0) {
  return shared_frame{std::make_shared<const std::string>(std::move(text)), id};
}

inline bool operator==(const shared_frame& x, const shared_frame& y) {
  if (x.id != y.id) return false;
  if (x.text == y.text) return true;
  return x.text && y.text && *x.text == *y.text;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shared_frame& x) {
  // Serializing copies the text out; deserializing builds a new buffer.
  std::string text = x.text ? *x.text : std::string{};
  auto rebuild = caf::meta::load_callback([&]() -> caf::error {
    x.text = std::make_shared<const std::string>(std::move(text));
    return caf::none;
  });
  return f(caf::meta::type_name("shared_frame"), text, x.id, rebuild);
}

} // namespace parley
