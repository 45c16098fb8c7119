// The JSON documents of the admin view (see admin_reports.hpp).
#include "actors/admin/admin_reports.hpp"

#include <algorithm>
#include <set>

#include "actors/metrics/node_metrics.hpp"
#include "proto/json/compact_writer.hpp"

namespace parley::admin {

namespace {

using json::detail::compact_writer;

std::int64_t as_int(std::uint64_t x) {
  return static_cast<std::int64_t>(x);
}

/// Where a member stands from this node: "self", "linked", "behind" (linked,
/// its routes wait until it catches up) or "not linked".
const char* link_state(const cluster_view::snapshot& view,
                       const std::string& name) {
  if (name == view.node) return "self";
  auto has = [&name](const std::vector<std::string>& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (!has(view.members)) return "not linked";
  return has(view.behind) ? "behind" : "linked";
}

template <class T>
void write_reachability(compact_writer& out, const node_answer<T>& x) {
  out.member("node", x.node);
  out.flag("reachable", x.reply.has_value());
  if (!x.reply) out.member("problem", x.problem);
}

} // namespace

std::string encode_node(const node_facts& facts,
                        const std::optional<std::string>& writer) {
  auto& counts = metrics::node();
  compact_writer out{2048};
  out.open_object();
  out.member("node", facts.node);
  out.member("version", facts.version);
  out.flag("cluster", facts.cluster);
  if (facts.cluster) out.member("incarnation", facts.incarnation);
  out.member("started_at_ms", facts.started_at);
  out.member("uptime_seconds", (wall_clock_ms() - facts.started_at) / 1000);
  out.flag("draining", facts.draining);
  out.open_object("actors");
  for (std::size_t i = 0; i < metrics::actor_kinds; ++i)
    out.member(metrics::kind_label(static_cast<metrics::actor_kind>(i)),
               counts.actors[i].value());
  out.close_object();
  out.member("connections", as_int(facts.connections));
  out.open_object("database");
  out.member("backend", facts.backend);
  out.close_object();
  if (writer)
    out.raw_member("writer", *writer);
  else
    out.raw_member("writer", R"({"answered":false})");
  out.raw_member("limits", facts.limits);
  out.close_object();
  return out.text();
}

std::string encode_cluster(const cluster_view::snapshot& view,
                           const std::vector<cluster_event>& events,
                           const std::vector<node_answer<std::string>>& nodes) {
  compact_writer out{4096};
  out.open_object();
  out.member("node", view.node);
  out.flag("cluster", view.enabled);
  out.flag("ready", !view.enabled || view.ready());
  out.open_array("members");
  std::set<std::string> listed;
  auto answer_of = [&nodes](const std::string& name) {
    auto i = std::find_if(nodes.begin(), nodes.end(),
                          [&name](const auto& x) { return x.node == name; });
    return i == nodes.end() ? nullptr : &*i;
  };
  auto write_member = [&](const std::string& name, const cluster_member* row) {
    listed.insert(name);
    out.open_object();
    out.member("name", name);
    if (row != nullptr) {
      out.member("incarnation", row->incarnation);
      out.member("address", row->host + ":" + std::to_string(row->port));
      out.member("heartbeat_age_ms", row->heartbeat_age_ms);
    }
    out.member("link", link_state(view, name));
    const auto* answer = answer_of(name);
    out.flag("reachable", answer != nullptr && answer->reply.has_value());
    if (answer != nullptr && answer->reply)
      out.raw_member("status", *answer->reply);
    else
      out.member("problem",
                 answer != nullptr ? answer->problem : "not asked: no link");
    out.close_object();
  };
  for (const auto& row : view.table)
    write_member(row.name, &row);
  // Linked, or this node, but not (or no longer) in the table as last read.
  for (const auto& name : view.members)
    if (listed.count(name) == 0) write_member(name, nullptr);
  if (listed.count(view.node) == 0) write_member(view.node, nullptr);
  out.close_array();
  out.open_array("events");
  for (const auto& x : events) {
    out.open_object();
    out.member("at_ms", x.at);
    out.member("node", x.node);
    out.member("event", x.event);
    out.member("reason", x.reason);
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_user(const std::string& username, user_id id,
                        std::optional<std::int64_t> undelivered,
                        const std::vector<node_answer<std::string>>& nodes) {
  compact_writer out{1024};
  out.open_object();
  out.member("user", username);
  out.member("id", id);
  if (undelivered) out.member("undelivered", *undelivered);
  out.open_array("nodes");
  for (const auto& x : nodes) {
    out.open_object();
    write_reachability(out, x);
    if (x.reply) out.raw_member("connections", *x.reply);
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_kick(const std::string& username, user_id id,
                        const std::vector<node_answer<std::uint32_t>>& nodes) {
  std::int64_t closed = 0;
  for (const auto& x : nodes)
    closed += x.reply.value_or(0);
  compact_writer out{512};
  out.open_object();
  out.member("user", username);
  out.member("id", id);
  out.member("closed", closed);
  out.open_array("nodes");
  for (const auto& x : nodes) {
    out.open_object();
    write_reachability(out, x);
    if (x.reply) out.member("closed", static_cast<std::int64_t>(*x.reply));
    out.close_object();
  }
  out.close_array();
  out.close_object();
  return out.text();
}

std::string encode_drain(const std::string& node, std::size_t closing) {
  compact_writer out{128};
  out.open_object();
  out.member("node", node);
  out.flag("draining", true);
  out.member("closing_connections", as_int(closing));
  out.close_object();
  return out.text();
}

} // namespace parley::admin
