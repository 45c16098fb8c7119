// The JSON documents of the admin view (actors/admin/admin.hpp), one
// function per endpoint. README.md, "Operate", shows an example of each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/cluster/cluster_view.hpp"
#include "proto/domain.hpp"

namespace parley::admin {

/// One node's answer to a request sent to every node of the cluster.
template <class T>
struct node_answer {
  std::string node;
  std::optional<T> reply;
  std::string problem; ///< why there is no reply
};

/// What GET /admin/node shows beside the writer's own report.
struct node_facts {
  std::string node;
  std::string version;
  std::string backend;
  bool cluster = false;
  std::int64_t incarnation = 0;
  timestamp_ms started_at = 0;
  bool draining = false;
  std::size_t connections = 0;
  std::string limits; ///< a JSON object
};

/// GET /admin/node: `writer` is the writer's JSON, or nullopt when it did
/// not answer in time (it is in a long commit).
std::string encode_node(const node_facts& facts,
                        const std::optional<std::string>& writer);

/// GET /admin/cluster: every member in the table (and linked peer) with its
/// link and, when it answered, its GET /admin/node document.
std::string encode_cluster(const cluster_view::snapshot& view,
                           const std::vector<cluster_event>& events,
                           const std::vector<node_answer<std::string>>& nodes);

/// GET /admin/users/{name}: each node's sessions of the user (JSON arrays).
std::string encode_user(const std::string& username, user_id id,
                        std::optional<std::int64_t> undelivered,
                        const std::vector<node_answer<std::string>>& nodes);

/// POST /admin/users/{name}/disconnect: what each node closed.
std::string encode_kick(const std::string& username, user_id id,
                        const std::vector<node_answer<std::uint32_t>>& nodes);

/// POST /admin/drain.
std::string encode_drain(const std::string& node, std::size_t closing);

} // namespace parley::admin
