// `parley ctl`'s readable output (see ctl_render.hpp). Each document's
// shape is actors/admin/admin_reports.cpp's.
#include "gateway/ctl/ctl_render.hpp"

#include <cstdint>
#include <cstdio>
#include <sstream>

#include <rapidjson/document.h>

#include "gateway/ctl/text_table.hpp"
#include "proto/json/rfc3339.hpp"

namespace parley::ctl {

namespace {

using value = rapidjson::Value;

std::string text_of(const value& v, const char* key) {
  if (!v.IsObject() || !v.HasMember(key)) return "-";
  const auto& x = v[key];
  if (x.IsString()) return x.GetString();
  if (x.IsBool()) return x.GetBool() ? "yes" : "no";
  if (x.IsInt64()) return std::to_string(x.GetInt64());
  if (x.IsNumber()) return std::to_string(x.GetDouble());
  return "-";
}

std::int64_t int_of(const value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsInt64()
             ? v[key].GetInt64()
             : 0;
}

/// A time in ms since the epoch; "-" for 0 (never).
std::string time_of(const value& v, const char* key) {
  auto at = int_of(v, key);
  return at == 0 ? "-" : json::format_rfc3339(at);
}

/// Microseconds as milliseconds with two decimals.
std::string milliseconds(std::int64_t us) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f ms", static_cast<double>(us) / 1000);
  return text;
}

const value& member(const value& v, const char* key) {
  static const value null_value;
  return v.IsObject() && v.HasMember(key) ? v[key] : null_value;
}

std::string render_status(const value& doc) {
  std::ostringstream out;
  out << "node       " << text_of(doc, "node");
  if (member(doc, "cluster").IsBool() && doc["cluster"].GetBool())
    out << " (incarnation " << text_of(doc, "incarnation") << ")";
  out << ", version " << text_of(doc, "version") << "\n";
  out << "uptime     " << text_of(doc, "uptime_seconds") << " s, started "
      << time_of(doc, "started_at_ms") << "\n";
  out << "draining   " << text_of(doc, "draining") << "\n";
  const auto& actors = member(doc, "actors");
  out << "actors     " << text_of(actors, "session") << " sessions, "
      << text_of(actors, "user") << " users\n";
  const auto& writer = member(doc, "writer");
  out << "database   " << text_of(member(doc, "database"), "backend") << ": "
      << text_of(writer, "database") << "\n";
  out << "writer     mailbox " << text_of(writer, "mailbox") << ", "
      << text_of(writer, "queued_messages") << " messages queued, "
      << text_of(writer, "batches_committed") << " batches committed\n";
  const auto& batches = member(writer, "last_batches");
  if (batches.IsArray() && !batches.Empty()) {
    text_table table{{"  LAST BATCHES", "MESSAGES", "COMMIT"}};
    for (const auto& x : batches.GetArray())
      table.add({"  " + time_of(x, "at_ms"), text_of(x, "messages"),
                 milliseconds(int_of(x, "commit_us"))});
    out << table.text();
  }
  const auto& limits = member(doc, "limits");
  if (limits.IsObject()) {
    text_table table{{"  LIMITS", ""}};
    for (const auto& x : limits.GetObject())
      table.add({std::string{"  "} + x.name.GetString(),
                 text_of(limits, x.name.GetString())});
    out << table.text();
  }
  return out.str();
}

std::string render_cluster(const value& doc) {
  std::ostringstream out;
  out << "cluster as " << text_of(doc, "node") << " sees it: "
      << (member(doc, "ready").IsBool() && doc["ready"].GetBool() ? "ready"
                                                                  : "not ready")
      << "\n";
  text_table table{{"NAME", "INCARNATION", "ADDRESS", "HEARTBEAT", "LINK",
                    "REACHABLE", "CONNECTIONS", "UPTIME"}};
  for (const auto& x : member(doc, "members").GetArray()) {
    const auto& status = member(x, "status");
    auto reachable = text_of(x, "reachable");
    if (reachable == "no") reachable += " (" + text_of(x, "problem") + ")";
    table.add(
        {text_of(x, "name"), text_of(x, "incarnation"), text_of(x, "address"),
         x.HasMember("heartbeat_age_ms")
             ? text_of(x, "heartbeat_age_ms") + " ms"
             : "-",
         text_of(x, "link"), reachable,
         text_of(member(status, "actors"), "session"),
         status.IsObject() ? text_of(status, "uptime_seconds") + " s" : "-"});
  }
  out << table.text();
  const auto& events = member(doc, "events");
  if (events.IsArray() && !events.Empty()) {
    out << "\n";
    text_table log{{"EVENT AT", "NODE", "EVENT", "REASON"}};
    for (const auto& x : events.GetArray())
      log.add({time_of(x, "at_ms"), text_of(x, "node"), text_of(x, "event"),
               text_of(x, "reason")});
    out << log.text();
  }
  return out.str();
}

std::string render_user(const value& doc) {
  std::ostringstream out;
  std::int64_t connections = 0;
  for (const auto& node : member(doc, "nodes").GetArray())
    if (member(node, "connections").IsArray())
      connections += node["connections"].Size();
  out << "user " << text_of(doc, "user") << " (id " << text_of(doc, "id")
      << "): " << connections << " connections, " << text_of(doc, "undelivered")
      << " messages undelivered\n";
  text_table table{{"NODE", "DEVICE", "ACKS", "RESUME", "ACKED", "HANDED",
                    "REMOTE", "OPENED", "LAST IN", "LAST OUT", "QUEUED"}};
  for (const auto& node : member(doc, "nodes").GetArray()) {
    auto name = text_of(node, "node");
    if (!member(node, "reachable").IsBool() || !node["reachable"].GetBool()) {
      table.add({name, "(unreachable: " + text_of(node, "problem") + ")"});
      continue;
    }
    for (const auto& x : member(node, "connections").GetArray()) {
      auto device = text_of(x, "device");
      table.add({name, device.empty() ? "(default)" : device,
                 text_of(x, "acks"), text_of(x, "resume"),
                 text_of(x, "acked_through"), text_of(x, "handed_through"),
                 text_of(x, "remote"), time_of(x, "opened_at_ms"),
                 time_of(x, "last_frame_in_ms"),
                 time_of(x, "last_frame_out_ms"),
                 text_of(x, "outbound_queue_bytes") + " B"});
    }
  }
  if (connections > 0) out << table.text();
  return out.str();
}

std::string render_disconnect(const value& doc) {
  std::ostringstream out;
  out << "closed " << text_of(doc, "closed") << " connections of "
      << text_of(doc, "user") << " with 4001\n";
  text_table table{{"NODE", "CLOSED"}};
  for (const auto& node : member(doc, "nodes").GetArray())
    table.add({text_of(node, "node"),
               member(node, "reachable").IsBool() && node["reachable"].GetBool()
                   ? text_of(node, "closed")
                   : "unreachable: " + text_of(node, "problem")});
  out << table.text();
  return out.str();
}

std::string render_drain(const value& doc) {
  return text_of(doc, "node") +
         " is draining: /readyz answers 503, new connections are refused, " +
         text_of(doc, "closing_connections") +
         " connections are closing with 1001\n";
}

} // namespace

std::string render(command what, const std::string& answer) {
  if (what == command::metrics) return answer;
  rapidjson::Document doc;
  doc.Parse(answer.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return answer + "\n";
  switch (what) {
  case command::status:
    return render_status(doc);
  case command::cluster:
    return render_cluster(doc);
  case command::user:
    return render_user(doc);
  case command::disconnect:
    return render_disconnect(doc);
  case command::drain:
    return render_drain(doc);
  case command::metrics:
    break;
  }
  return answer + "\n";
}

} // namespace parley::ctl
