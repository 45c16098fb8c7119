#include "gateway/admin/metrics_page.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/metrics/node_metrics.hpp"
#include "gateway/admin/cluster_metrics.hpp"
#include "gateway/admin/process_stats.hpp"
#include "gateway/admin/prometheus_text.hpp"
#include "proto/error_code.hpp"

namespace parley::admin {

namespace {

/// One sample per actor kind of a family announced before.
template <class Instrument>
void by_kind(prometheus_text& out, std::string_view name,
             const metrics::by_actor_kind<Instrument>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    out.sample(
        name, values[i].value(),
        {{"kind", metrics::kind_label(static_cast<metrics::actor_kind>(i))}});
}

/// Requests by route and status; a pair that never occurred is left out
/// (most never do: /healthz has no 409).
void http_requests(prometheus_text& out, const metrics::node_metrics& counts) {
  constexpr const char* name = "parley_http_requests_total";
  out.family(name,
             "Requests on the public HTTP API (the /ws upgrade not included: "
             "parley_ws_upgrades_total), by route and status; other: no route "
             "matched or the request could not be read.",
             "counter");
  for (std::size_t r = 0; r < metrics::http_routes; ++r) {
    auto route = metrics::route_label(static_cast<metrics::http_route>(r));
    const auto& statuses = counts.http_requests[r];
    for (std::size_t s = 0; s < statuses.size(); ++s) {
      auto value = statuses[s].value();
      if (value == 0) continue;
      auto status = s < metrics::http_statuses.size()
                        ? std::to_string(metrics::http_statuses[s])
                        : std::string{"other"};
      out.sample(name, value, {{"route", route}, {"status", status}});
    }
  }
}

} // namespace

std::string metrics_page(node_context& node) {
  const auto& counts = metrics::node();
  prometheus_text out;
  out.gauge("parley_open_connections",
            "WebSocket connections open on this node.",
            static_cast<std::int64_t>(node.sessions.count()));
  out.family("parley_ws_upgrades_total",
             "WebSocket upgrade requests on /ws, by result.", "counter");
  out.sample("parley_ws_upgrades_total", counts.upgrades_accepted.value(),
             {{"result", "accepted"}});
  out.sample("parley_ws_upgrades_total", counts.upgrades_unauthorized.value(),
             {{"result", "unauthorized"}});
  out.sample("parley_ws_upgrades_total", counts.upgrades_refused.value(),
             {{"result", "refused"}});
  http_requests(out, counts);
  out.gauge("parley_users_online",
            "Users with a user actor (an open connection) on this node.",
            counts.users_online.value());
  out.family("parley_actors",
             "Actors alive on this node, by kind (hashing: the pool and its "
             "workers; cluster: the peers and membership actors).",
             "gauge");
  by_kind(out, "parley_actors", counts.actors);
  out.family("parley_unexpected_messages_total",
             "Messages no handler took, logged and dropped (a request is "
             "answered with an error), by the kind of actor that got them.",
             "counter");
  by_kind(out, "parley_unexpected_messages_total", counts.unexpected_messages);
  out.family("parley_abnormal_exits_total",
             "Actors seen to end with a reason other than normal or shutdown, "
             "logged, by the kind of actor that watched them (session: its "
             "user actor; user: a session; registry: a user actor; hashing: a "
             "worker; cluster: a peer's actor, e.g. its link was lost).",
             "counter");
  by_kind(out, "parley_abnormal_exits_total", counts.abnormal_exits);
  out.gauge("parley_registry_mailbox_messages",
            "Messages waiting in the registry's mailbox, sampled by the "
            "registry every 8 routing messages (at rest it may read up to 7 "
            "above zero).",
            counts.registry_mailbox.value());
  out.counter("parley_messages_received_total",
              "private_message frames received from clients.",
              counts.messages_received);
  out.counter("parley_acks_received_total", "ack frames received.",
              counts.acks_received);
  out.counter("parley_reads_received_total", "read frames received.",
              counts.reads_received);
  out.family("parley_error_frames_total",
             "Error frames sent to clients, by error code.", "counter");
  for (std::size_t i = 1; i < counts.error_frames.size(); ++i)
    out.sample("parley_error_frames_total", counts.error_frames[i].value(),
               {{"code", wire_code(static_cast<error_code>(i))}});
  out.histogram("parley_store_duration_seconds",
                "From a private_message frame to the writer's answer "
                "(stored, or refused).",
                counts.store_seconds);
  out.histogram("parley_message_sent_duration_seconds",
                "From a private_message frame to its message_sent handed to "
                "the sending session (stored, routed, ordered).",
                counts.message_sent_seconds);
  out.counter("parley_messages_delivered_total",
              "Chat messages (incoming_message, outgoing_message; live, pushed "
              "or replayed) handed to a session for its connection to write, "
              "once per connection; message_sent, receipts and errors not "
              "counted.",
              counts.messages_delivered);
  out.counter("parley_receipts_sent_total",
              "delivered and read receipt frames handed to senders' "
              "connections (live, or replayed after a catch-up).",
              counts.receipts_sent);
  out.family("parley_replays_total",
             "Catch-ups started: push, a connection without since gets the "
             "messages to the user its device has not confirmed (offline "
             "delivery); resume, since= or a sync frame replays every message "
             "to and from the user after the cursor.",
             "counter");
  out.sample("parley_replays_total", counts.pushes_started.value(),
             {{"kind", "push"}});
  out.sample("parley_replays_total", counts.replays_started.value(),
             {{"kind", "resume"}});
  out.family("parley_replay_messages",
             "Messages one completed catch-up handed over (kinds as in "
             "parley_replays_total; live messages held meanwhile not "
             "counted).",
             "histogram");
  out.histogram_samples("parley_replay_messages", counts.push_messages,
                        {{"kind", "push"}});
  out.histogram_samples("parley_replay_messages", counts.replay_messages,
                        {{"kind", "resume"}});
  out.counter("parley_ws_frames_written_total",
              "WebSocket frames the kernel accepted (messages, message_sent, "
              "receipts, errors).",
              counts.frames_written);
  out.counter("parley_ws_bytes_written_total",
              "Bytes of WebSocket frames the kernel accepted.",
              counts.bytes_written);
  out.counter("parley_slow_consumer_closes_total",
              "Connections closed with 1008 because too much was queued for "
              "them.",
              counts.slow_consumer_closes);
  out.gauge("parley_writer_mailbox_messages",
            "Messages waiting in the writer's mailbox, sampled at each flush.",
            counts.writer_mailbox.value());
  out.counter("parley_messages_stored_total",
              "Messages committed to the database (resends of a stored "
              "client_msg_id not counted).",
              counts.messages_stored);
  out.histogram("parley_write_batch_messages",
                "Messages per committed write batch.", counts.batch_rows);
  out.histogram("parley_commit_duration_seconds",
                "Time one write batch's commit took.", counts.commit_seconds);
  write_cluster_metrics(out, *node.cluster);
  out.counter("parley_database_reconnects_total",
              "Times the writer's or the reader's database connection was "
              "made again after it was lost.",
              counts.database_reconnects);
  out.gauge("parley_hashing_queue_jobs",
            "Registrations and logins waiting for a hashing worker.",
            counts.hashing_queue.value());
  out.counter("parley_hashing_rejected_total",
              "Registrations and logins refused with 503 overloaded because "
              "the hashing queue was full.",
              counts.hashing_rejected);
  write_process_metrics(out);
  return out.text();
}

} // namespace parley::admin
