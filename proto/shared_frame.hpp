// An encoded server frame shared, immutable, by every connection it goes to.
#pragma once

#include <memory>
#include <string>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

namespace parley {

/// One JSON text frame, encoded once and fanned out by reference. Locally it
/// travels as a pointer; across the network `inspect` sends the text itself.
struct shared_frame {
  std::shared_ptr<const std::string> text;
};

/// Wraps freshly encoded text.
inline shared_frame make_shared_frame(std::string text) {
  return shared_frame{std::make_shared<const std::string>(std::move(text))};
}

inline bool operator==(const shared_frame& x, const shared_frame& y) {
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
  return f(caf::meta::type_name("shared_frame"), text, rebuild);
}

} // namespace parley
