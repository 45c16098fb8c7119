// What a user actor tells operators (see user_report.hpp).
#include "actors/user_report.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <caf/all.hpp>

#include "proto/json/compact_writer.hpp"
#include "proto/type_ids.hpp"

namespace parley {

namespace {

/// A session answers at once unless its thread is stuck; the operator's
/// request must not wait for it.
constexpr auto describe_timeout = std::chrono::seconds(1);

/// The user actor's side of one session, copied when the request came in.
struct session_summary {
  std::string device;
  bool acks = false;
  const char* resume = "";
  message_id handed = 0;
  message_id confirmed = 0;
  std::optional<connection_info> connection; ///< once the session answered
};

const char* resume_state(const attached_session& entry) {
  if (entry.live) return "live";
  if (entry.catch_up_deferred) return "waiting for the cluster";
  return entry.replay ? "replaying" : "pushing undelivered";
}

std::string encode(const std::vector<session_summary>& sessions) {
  json::detail::compact_writer out{256 * (sessions.size() + 1)};
  out.open_array();
  for (const auto& x : sessions) {
    out.open_object();
    out.member("device", x.device);
    out.flag("acks", x.acks);
    out.member("resume", x.resume);
    out.member("handed_through", x.handed);
    out.member("acked_through", x.confirmed);
    out.flag("answered", x.connection.has_value());
    if (x.connection) {
      const auto& c = *x.connection;
      out.member("remote", c.remote);
      out.member("opened_at_ms", c.opened_at);
      out.member("last_frame_in_ms", c.last_frame_in);
      out.member("last_frame_out_ms", c.last_frame_out);
      out.member("outbound_queue_bytes",
                 static_cast<std::int64_t>(c.queued_bytes));
    }
    out.close_object();
  }
  out.close_array();
  return out.text();
}

} // namespace

caf::result<std::string> describe_sessions(user_pointer self) {
  auto& sessions = self->state.sessions;
  auto summaries = std::make_shared<std::vector<session_summary>>();
  for (const auto& entry : sessions)
    summaries->push_back(session_summary{entry.device, entry.acks,
                                         resume_state(entry), entry.handed,
                                         entry.confirmed, std::nullopt});
  if (sessions.empty()) return encode(*summaries);
  auto promise = self->make_response_promise<std::string>();
  auto waiting = std::make_shared<std::size_t>(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    auto answered = [promise, summaries, waiting]() mutable {
      if (--*waiting == 0) promise.deliver(encode(*summaries));
    };
    self->request(sessions[i].handle, describe_timeout, describe_atom::value)
        .then(
            [summaries, i, answered](connection_info& info) mutable {
              (*summaries)[i].connection = std::move(info);
              answered();
            },
            [answered](caf::error&) mutable { answered(); });
  }
  return promise;
}

std::uint32_t kick_sessions(user_pointer self) {
  for (const auto& entry : self->state.sessions)
    self->send(entry.handle, kick_atom::value);
  return static_cast<std::uint32_t>(self->state.sessions.size());
}

} // namespace parley
