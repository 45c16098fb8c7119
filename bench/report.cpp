// The report: derived figures (rates, per-connection memory, CPU per
// message, database rows) are computed once here, then printed twice.
#include "bench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <type_traits>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parley::bench {

namespace {

/// Figures computed from the raw ones; nullopt when not measurable.
struct derived {
  std::optional<double> conns_per_s;
  std::optional<double> rss_per_conn_kib;
  std::optional<double> throughput_msgs_per_s;
  std::optional<double> deliveries_per_s;
  std::optional<double> sent_per_s;
  std::optional<double> cpu_us_per_msg;
  std::optional<std::int64_t> db_rows_added;
  std::optional<std::int64_t> db_rows_missing;
};

bool measures_window(const bench_result& r) {
  return r.options.mode != bench_mode::conns && r.window_s > 0;
}

derived derive(const bench_result& r) {
  derived d;
  if (r.setup_s > 0) d.conns_per_s = r.conns_opened / r.setup_s;
  if (r.rss_before_kib && r.rss_after_kib && r.conns_opened > 0)
    d.rss_per_conn_kib =
        (static_cast<double>(*r.rss_after_kib) - *r.rss_before_kib) /
        r.conns_opened;
  if (measures_window(r)) {
    d.throughput_msgs_per_s = r.window.messages / r.window_s;
    d.deliveries_per_s = r.window.deliveries / r.window_s;
    d.sent_per_s = r.window.sent / r.window_s;
    if (r.cpu_server_s && r.window.messages > 0)
      d.cpu_us_per_msg =
          (*r.cpu_server_s + r.cpu_db_s.value_or(0)) * 1e6 / r.window.messages;
  }
  if (r.db_rows_before && r.db_rows_after) {
    d.db_rows_added = *r.db_rows_after - *r.db_rows_before;
    auto confirmed = static_cast<std::int64_t>(r.messages.confirmed);
    d.db_rows_missing = std::max<std::int64_t>(0, confirmed - *d.db_rows_added);
  }
  return d;
}

template <class T>
std::string text_of(const std::optional<T>& value, const char* format) {
  if (!value) return "-";
  char text[64];
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

std::string latency_line(const latency_summary& s) {
  char text[200];
  std::snprintf(text, sizeof text,
                "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  "
                "mean %.3f  (n=%llu)",
                s.p50_ms, s.p90_ms, s.p99_ms, s.p999_ms, s.max_ms, s.mean_ms,
                static_cast<unsigned long long>(s.count));
  return text;
}

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(json_writer& w, const char* key, std::uint64_t v) {
  w.Key(key);
  w.Uint64(v);
}
void put(json_writer& w, const char* key, double v) {
  w.Key(key);
  w.Double(v);
}
void put(json_writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
void put(json_writer& w, const char* key, bool v) {
  w.Key(key);
  w.Bool(v);
}
template <class T>
void put(json_writer& w, const char* key, const std::optional<T>& v) {
  if (!v) {
    w.Key(key);
    w.Null();
    return;
  }
  if constexpr (std::is_same_v<T, std::int64_t>) {
    w.Key(key);
    w.Int64(*v);
  } else {
    put(w, key, *v);
  }
}
void put(json_writer& w, const char* key,
         const std::map<std::string, std::uint64_t>& counts) {
  w.Key(key);
  w.StartObject();
  for (auto& [name, n] : counts)
    put(w, name.c_str(), n);
  w.EndObject();
}
void put_latency(json_writer& w, const std::string& prefix,
                 const std::optional<latency_summary>& s) {
  auto key = [&prefix](const char* name) { return prefix + name; };
  auto value = [&s](double latency_summary::*field) {
    return s ? std::optional<double>(*s.*field) : std::nullopt;
  };
  put(w, key("_count").c_str(),
      s ? std::optional<std::uint64_t>(s->count) : std::nullopt);
  put(w, key("_p50_ms").c_str(), value(&latency_summary::p50_ms));
  put(w, key("_p90_ms").c_str(), value(&latency_summary::p90_ms));
  put(w, key("_p99_ms").c_str(), value(&latency_summary::p99_ms));
  put(w, key("_p999_ms").c_str(), value(&latency_summary::p999_ms));
  put(w, key("_max_ms").c_str(), value(&latency_summary::max_ms));
  put(w, key("_mean_ms").c_str(), value(&latency_summary::mean_ms));
}

} // namespace

std::vector<std::string> problems(const bench_result& r) {
  std::vector<std::string> found;
  auto check = [&found](bool bad, const char* name) {
    if (bad) found.emplace_back(name);
  };
  auto d = derive(r);
  check(!r.setup_error.empty(), "setup_failed");
  check(r.messages.lost > 0, "lost");
  check(r.messages.duplicated > 0, "duplicated");
  check(r.messages.out_of_order > 0, "out_of_order");
  check(r.messages.corrupted > 0, "corrupted");
  check(r.messages.misattributed > 0, "misattributed");
  check(r.frames.ack_mismatched > 0, "ack_mismatched");
  check(r.frames.ack_unmatched > 0, "ack_unmatched");
  check(r.frames.ack_frames_refused > 0, "ack_frames_refused");
  check(r.frames.invalid_frames > 0, "invalid_frames");
  check(r.conns_failed > 0, "conns_failed");
  check(r.frames.closed > 0, "conns_closed");
  check(r.conns_still_open && *r.conns_still_open < r.conns_opened,
        "conns_not_open_after_hold");
  check(d.db_rows_missing.value_or(0) > 0, "db_rows_missing");
  check(!r.db_error.empty(), "db_error");
  return found;
}

int exit_status(const bench_result& r) {
  if (!r.setup_error.empty()) return 2;
  return problems(r).empty() ? 0 : 1;
}

std::string format_table(const bench_result& r) {
  const auto& o = r.options;
  auto d = derive(r);
  const auto& m = r.messages;
  std::ostringstream out;
  char line[512];
  // Streamed: a list of targets can be longer than `line`.
  out << "parley-bench " << mode_name(o.mode) << " -> "
      << targets_text(o.targets) << " (" << protocol_name(o.protocol) << "), "
      << o.users << " users x " << o.conns_per_user << " conns, "
      << pairing_name(o.pairing) << '\n';
  if (!r.setup_error.empty())
    out << "  setup failed: " << r.setup_error << '\n';
  std::snprintf(line, sizeof line,
                "  connections  %llu of %llu opened, %llu failed, in %.3f s "
                "(%s/s)%s%s\n",
                static_cast<unsigned long long>(r.conns_opened),
                static_cast<unsigned long long>(r.conns_total),
                static_cast<unsigned long long>(r.conns_failed), r.setup_s,
                text_of(d.conns_per_s, "%.0f").c_str(),
                r.first_open_error.empty() ? "" : "; first error: ",
                r.first_open_error.c_str());
  out << line;
  if (r.tokens_refreshed > 0)
    out << "  tokens       " << r.tokens_refreshed
        << " refused and renewed while connecting (their logins count in "
           "the RSS difference)\n";
  if (r.conns_still_open)
    out << "  after hold   " << *r.conns_still_open << " of " << r.conns_opened
        << " verified open, " << r.frames.closed << " closed\n";
  out << "  server RSS   " << text_of(r.rss_before_kib, "%llu") << " -> "
      << text_of(r.rss_after_kib, "%llu") << " KiB ("
      << text_of(d.rss_per_conn_kib, "%.1f") << " KiB per connection)\n";
  std::snprintf(line, sizeof line,
                "  messages     sent %llu, delivered %llu of %llu, lost %llu "
                "(per connection %llu), duplicated %llu, out of order %llu, "
                "corrupted %llu, misattributed %llu, stale %llu, foreign "
                "%llu\n",
                static_cast<unsigned long long>(m.sent),
                static_cast<unsigned long long>(m.received),
                static_cast<unsigned long long>(m.deliveries_expected),
                static_cast<unsigned long long>(m.lost),
                static_cast<unsigned long long>(m.lost_per_connection),
                static_cast<unsigned long long>(m.duplicated),
                static_cast<unsigned long long>(m.out_of_order),
                static_cast<unsigned long long>(m.corrupted),
                static_cast<unsigned long long>(m.misattributed),
                static_cast<unsigned long long>(m.stale),
                static_cast<unsigned long long>(m.foreign));
  out << line;
  if (o.protocol == protocol_kind::parley)
    out << "  acks         " << r.frames.acks << " (unmatched "
        << r.frames.ack_unmatched << ", wrong recipient "
        << r.frames.ack_mismatched << "), error frames "
        << r.frames.error_frames << '\n';
  if (o.ack_every > 0)
    out << "  client acks  " << r.frames.ack_frames_sent << " sent (every "
        << o.ack_every << " incoming messages and at the end), "
        << r.frames.ack_frames_refused << " refused\n";
  if (!r.frames.other_frames.empty()) {
    out << "  other frames";
    for (auto& [type, n] : r.frames.other_frames)
      out << ' ' << type << '=' << n;
    out << '\n';
  }
  if (measures_window(r)) {
    std::snprintf(line, sizeof line,
                  "  window       %.3f s: %s msgs/s delivered (%s "
                  "deliveries/s), %s msgs/s sent\n",
                  r.window_s, text_of(d.throughput_msgs_per_s, "%.1f").c_str(),
                  text_of(d.deliveries_per_s, "%.1f").c_str(),
                  text_of(d.sent_per_s, "%.1f").c_str());
    out << line;
  }
  out << "  latency ms   " << latency_line(r.latency) << '\n';
  if (r.logins)
    out << "  logins       " << r.logins->clients << " in flight: ok "
        << r.logins->ok << ", overloaded " << r.logins->overloaded
        << ", failed " << r.logins->failed << "; ms "
        << latency_line(r.logins->latency) << '\n';
  if (o.protocol == protocol_kind::parley)
    out << "  ack ms       " << latency_line(r.ack_latency) << '\n';
  std::snprintf(line, sizeof line,
                "  cpu s        server %s, db %s, tool %.3f; %s us per message "
                "(server+db)\n",
                text_of(r.cpu_server_s, "%.3f").c_str(),
                text_of(r.cpu_db_s, "%.3f").c_str(), r.cpu_tool_s,
                text_of(d.cpu_us_per_msg, "%.1f").c_str());
  out << line;
  if (d.db_rows_added || !r.db_error.empty()) {
    out << "  database     ";
    if (!r.db_error.empty())
      out << r.db_error;
    else
      out << "rows added " << *d.db_rows_added << ", confirmed messages "
          << m.confirmed << ", missing " << *d.db_rows_missing;
    out << '\n';
  }
  auto found = problems(r);
  out << "  result       " << (found.empty() ? "clean" : "PROBLEMS:");
  for (auto& p : found)
    out << ' ' << p;
  out << '\n';
  return out.str();
}

std::string format_json(const bench_result& r) {
  const auto& o = r.options;
  auto d = derive(r);
  const auto& m = r.messages;
  bool window = measures_window(r);
  bool parley = o.protocol == protocol_kind::parley;
  rapidjson::StringBuffer text;
  json_writer w(text);
  w.SetMaxDecimalPlaces(3);
  w.StartObject();
  put(w, "mode", std::string(mode_name(o.mode)));
  put(w, "protocol", std::string(protocol_name(o.protocol)));
  put(w, "target", targets_text(o.targets));
  w.Key("targets");
  w.StartArray();
  for (const auto& target : o.targets)
    w.String(target_text(target).c_str());
  w.EndArray();
  put(w, "users", std::uint64_t{o.users});
  put(w, "conns_per_user", std::uint64_t{o.conns_per_user});
  put(w, "pairing", std::string(pairing_name(o.pairing)));
  put(w, "inflight",
      o.mode == bench_mode::throughput
          ? std::optional<std::uint64_t>(o.inflight)
          : std::nullopt);
  put(w, "rate_target_per_s",
      o.mode == bench_mode::rate ? std::optional<double>(o.rate_per_s)
                                 : std::nullopt);
  put(w, "warmup_s", o.warmup_s);
  put(w, "window_s", window ? std::optional<double>(r.window_s) : std::nullopt);
  put(w, "hold_s",
      o.mode == bench_mode::conns ? std::optional<double>(o.hold_s)
                                  : std::nullopt);
  put(w, "drain_s", r.drain_s);
  put(w, "conns_total", r.conns_total);
  put(w, "conns_opened", r.conns_opened);
  put(w, "conns_failed", r.conns_failed);
  put(w, "conns_closed", r.frames.closed);
  put(w, "conns_still_open", r.conns_still_open);
  put(w, "tokens_refreshed", r.tokens_refreshed);
  put(w, "setup_s", r.setup_s);
  put(w, "conns_per_s", d.conns_per_s);
  put(w, "server_rss_before_kib", r.rss_before_kib);
  put(w, "server_rss_after_kib", r.rss_after_kib);
  put(w, "rss_per_conn_kib", d.rss_per_conn_kib);
  put(w, "sent", m.sent);
  put(w, "deliveries_expected", m.deliveries_expected);
  put(w, "received", m.received);
  put(w, "lost", m.lost);
  put(w, "lost_per_connection", m.lost_per_connection);
  put(w, "duplicated", m.duplicated);
  put(w, "out_of_order", m.out_of_order);
  put(w, "corrupted", m.corrupted);
  put(w, "misattributed", m.misattributed);
  put(w, "stale", m.stale);
  put(w, "foreign", m.foreign);
  put(w, "confirmed", m.confirmed);
  put(w, "acks",
      parley ? std::optional<std::uint64_t>(r.frames.acks) : std::nullopt);
  put(w, "ack_unmatched", r.frames.ack_unmatched);
  put(w, "ack_mismatched", r.frames.ack_mismatched);
  put(w, "ack_every",
      parley ? std::optional<std::uint64_t>(o.ack_every) : std::nullopt);
  put(w, "ack_frames_sent",
      parley ? std::optional<std::uint64_t>(r.frames.ack_frames_sent)
             : std::nullopt);
  put(w, "ack_frames_refused", r.frames.ack_frames_refused);
  put(w, "error_frames", r.frames.error_frames);
  put(w, "invalid_frames", r.frames.invalid_frames);
  put(w, "errors", r.frames.errors);
  put(w, "other_frames", r.frames.other_frames);
  put(w, "close_reasons", r.frames.close_reasons);
  put(w, "window_sent",
      window ? std::optional<std::uint64_t>(r.window.sent) : std::nullopt);
  put(w, "window_messages",
      window ? std::optional<std::uint64_t>(r.window.messages) : std::nullopt);
  put(w, "window_deliveries",
      window ? std::optional<std::uint64_t>(r.window.deliveries)
             : std::nullopt);
  put(w, "throughput_msgs_per_s", d.throughput_msgs_per_s);
  put(w, "deliveries_per_s", d.deliveries_per_s);
  put(w, "sent_per_s", d.sent_per_s);
  put_latency(w, "latency", r.latency);
  put_latency(w, "ack_latency",
              parley ? std::optional<latency_summary>(r.ack_latency)
                     : std::nullopt);
  auto login = [&r](std::uint64_t login_counts::*field) {
    return r.logins ? std::optional<std::uint64_t>((*r.logins).*field)
                    : std::nullopt;
  };
  put(w, "login_burst",
      r.logins ? std::optional<std::uint64_t>(r.logins->clients)
               : std::nullopt);
  put(w, "logins_ok", login(&login_counts::ok));
  put(w, "logins_overloaded", login(&login_counts::overloaded));
  put(w, "logins_failed", login(&login_counts::failed));
  put_latency(w, "login_latency",
              r.logins ? std::optional<latency_summary>(r.logins->latency)
                       : std::nullopt);
  put(w, "cpu_server_s", r.cpu_server_s);
  put(w, "cpu_db_s", r.cpu_db_s);
  put(w, "cpu_tool_s", r.cpu_tool_s);
  put(w, "cpu_us_per_msg", d.cpu_us_per_msg);
  put(w, "db_rows_before", r.db_rows_before);
  put(w, "db_rows_after", r.db_rows_after);
  put(w, "db_rows_added", d.db_rows_added);
  put(w, "db_rows_missing", d.db_rows_missing);
  put(w, "error", r.setup_error.empty() ? r.db_error : r.setup_error);
  auto found = problems(r);
  put(w, "ok", found.empty());
  w.Key("problems");
  w.StartArray();
  for (auto& p : found)
    w.String(p.c_str());
  w.EndArray();
  w.EndObject();
  return text.GetString();
}

} // namespace parley::bench
