// Failed accepts: which to retry at once, how long to wait out the others,
// and a log that says what happens without a line per failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace parley {

/// What the accept loop does after an accept failed.
enum class accept_retry {
  now,  ///< only that pending connection failed; take the next one
  later ///< the node lacks descriptors or memory; retrying at once spins
};

/// The retry for an accept that failed with the errno value `error`.
accept_retry retry_for(int error);

/// The pause before retrying an accept that must wait: 100 ms after the
/// first failure, doubling up to 1 s; back to 100 ms once one works.
class accept_backoff {
public:
  /// The pause to wait now; the next call returns a longer one.
  std::chrono::milliseconds next();

  /// An accept worked: the next pause starts short again.
  void reset() { pause_ = first_pause; }

  static constexpr std::chrono::milliseconds first_pause{100};
  static constexpr std::chrono::milliseconds longest_pause{1000};

private:
  std::chrono::milliseconds pause_ = first_pause;
};

/// The lines to print about failing accepts: one when they start failing,
/// then at most one summary per report_interval while they keep failing,
/// and one when an accept works again. Not thread-safe (the acceptor's
/// strand owns it).
class accept_error_log {
public:
  using clock = std::chrono::steady_clock;

  /// At most one line about failures per this long.
  static constexpr std::chrono::seconds report_interval{10};

  /// An accept failed with `reason` at `now`: the line to print, if any.
  std::optional<std::string> failed(const std::string& reason,
                                    clock::time_point now);

  /// An accept worked at `now`: a line after failures that were reported.
  std::optional<std::string> accepted(clock::time_point now);

private:
  bool failing_ = false;  ///< no accept has worked since the last failure
  bool reported_ = false; ///< this spell of failures has been announced
  std::uint64_t spell_failures_ = 0;
  clock::time_point spell_start_;
  std::uint64_t unreported_ = 0; ///< failures since the last line
  clock::time_point unreported_since_;
  std::optional<clock::time_point> last_line_;
};

} // namespace parley
