// Who sends to whom: fixed partners, or a random other user per message.
#pragma once

#include <cstdint>

namespace parley::bench {

/// The partner of user `u` among `users` (at least 2): 2k <-> 2k+1; with an
/// odd count the last three form a cycle, so that every user sends to
/// exactly one user and hears from exactly one.
inline std::uint32_t partner_of(std::uint32_t u, std::uint32_t users) {
  if (users % 2 == 1 && u + 3 >= users)
    return u + 1 == users ? users - 3 : u + 1;
  return u ^ 1u;
}

/// The user whose partner is `u`: partner_of read backwards (the same as
/// partner_of except in the cycle of three).
inline std::uint32_t sender_of(std::uint32_t u, std::uint32_t users) {
  if (users % 2 == 1 && u + 3 >= users)
    return u + 3 == users ? users - 1 : u - 1;
  return u ^ 1u;
}

/// Picks a random recipient other than the sender (xorshift64*: a few
/// nanoseconds, no allocation).
class random_recipients {
public:
  /// A generator seeded with `seed` (any value but 0 works the same).
  explicit random_recipients(std::uint64_t seed)
      : state_(seed | 1) {}

  /// A user index in [0, users) other than `sender`; `users` >= 2.
  std::uint32_t pick(std::uint32_t sender, std::uint32_t users) {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    auto r = static_cast<std::uint32_t>(
        ((state_ * 0x2545F4914F6CDD1DULL) >> 32) % (users - 1));
    return r >= sender ? r + 1 : r;
  }

private:
  std::uint64_t state_;
};

} // namespace parley::bench
