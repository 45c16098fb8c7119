// Failed accepts. Linux reports a connection that failed while it waited in
// the backlog as an accept error (accept(2): "treat them like EAGAIN by
// retrying"); pausing for those only delays the healthy connections behind
// it. Running out of descriptors or memory is different: the pending
// connection stays in the backlog, so the next accept fails at once, and
// without a pause the loop would spin on a core and print without end.
#include "gateway/server/accept_errors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace parley {

namespace {

/// "12.3 s": spans in the log lines, to a tenth of a second.
std::string seconds_text(accept_error_log::clock::duration span) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s",
                std::chrono::duration<double>(span).count());
  return text;
}

} // namespace

accept_retry retry_for(int error) {
  switch (error) {
  // The pending connection failed (aborted or reset by the peer, a
  // protocol error, refused by a firewall rule, or a network error that
  // Linux passes on from the new socket).
  case ECONNABORTED:
  case EPROTO:
  case EPERM:
  case ENETDOWN:
  case ENOPROTOOPT:
  case EHOSTDOWN:
  case ENONET:
  case EHOSTUNREACH:
  case EOPNOTSUPP:
  case ENETUNREACH:
  case EINTR:
  case EAGAIN:
    return accept_retry::now;
  // Resource exhaustion (EMFILE, ENFILE, ENOMEM, ENOBUFS) clears only when
  // something else closes or frees; anything unexpected (EBADF, EINVAL)
  // would fail again at once, so it waits too rather than spin.
  default:
    return accept_retry::later;
  }
}

std::chrono::milliseconds accept_backoff::next() {
  auto pause = pause_;
  pause_ = std::min(pause_ * 2, longest_pause);
  return pause;
}

std::optional<std::string> accept_error_log::failed(const std::string& reason,
                                                    clock::time_point now) {
  if (!failing_) {
    failing_ = true;
    spell_start_ = now;
    spell_failures_ = 0;
  }
  ++spell_failures_;
  if (unreported_++ == 0) unreported_since_ = now;
  // Failures that follow a line within the interval are only counted; the
  // next line (a summary, or the recovery) carries their number.
  if (last_line_ && now - *last_line_ < report_interval) return std::nullopt;
  std::string line = "parley: accept failing: " + reason;
  if (unreported_ > 1)
    line += " (" + std::to_string(unreported_) + " times in the last " +
            seconds_text(now - unreported_since_) + ")";
  last_line_ = now;
  unreported_ = 0;
  reported_ = true;
  return line;
}

std::optional<std::string> accept_error_log::accepted(clock::time_point now) {
  if (!failing_) return std::nullopt;
  failing_ = false;
  // A spell that no line announced (it began within the interval after the
  // last line) stays quiet; its failures go into the next failure line.
  if (!reported_) return std::nullopt;
  reported_ = false;
  last_line_ = now;
  unreported_ = 0;
  return "parley: accepting again after " + std::to_string(spell_failures_) +
         " failed accepts in " + seconds_text(now - spell_start_);
}

} // namespace parley
