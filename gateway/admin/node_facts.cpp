// What the admin view says about this process (see node_facts.hpp).
#include "gateway/admin/node_facts.hpp"

#include <sys/resource.h>

#include "proto/json/compact_writer.hpp"

namespace parley::admin {

const char* build_version() {
  return PARLEY_VERSION;
}

std::string encode_limits(const options& opts) {
  auto as_int = [](auto x) { return static_cast<std::int64_t>(x); };
  json::detail::compact_writer out{512};
  out.open_object();
  out.member("max_content_bytes", as_int(opts.max_content_bytes));
  out.member("max_frame_bytes", as_int(opts.max_frame_bytes));
  out.member("max_pending_frames", as_int(opts.max_pending_frames));
  out.member("token_ttl_seconds", opts.token_ttl_seconds);
  out.member("hash_workers", as_int(opts.hash_workers));
  out.member("net_threads", as_int(opts.net_threads));
  out.member("actor_threads", as_int(opts.actor_threads));
  if (opts.cluster.enabled)
    out.member("cluster_max_in_flight", as_int(opts.cluster.max_in_flight));
  // Each connection holds a file descriptor: this bounds connections.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0)
    out.member("open_files", as_int(files.rlim_cur));
  out.close_object();
  return out.text();
}

} // namespace parley::admin
