// Every atom of Parley's actor vocabulary (CAF 0.17: at most 10 characters).
#pragma once

#include <caf/atom.hpp>

namespace parley {

// Connection and session traffic.
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using written_atom = caf::atom_constant<caf::atom("written")>;
using pace_atom = caf::atom_constant<caf::atom("pace")>;
using drained_atom = caf::atom_constant<caf::atom("drained")>;

// Sessions, users and the registry.
using join_atom = caf::atom_constant<caf::atom("join")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using route_atom = caf::atom_constant<caf::atom("route")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
using synced_atom = caf::atom_constant<caf::atom("synced")>;
using confirm_atom = caf::atom_constant<caf::atom("confirm")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using receipt_atom = caf::atom_constant<caf::atom("receipt")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using typing_atom = caf::atom_constant<caf::atom("typing")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using search_atom = caf::atom_constant<caf::atom("search")>;

// Persistence.
using store_atom = caf::atom_constant<caf::atom("store")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using claim_atom = caf::atom_constant<caf::atom("claim")>;
using delivered_atom = caf::atom_constant<caf::atom("delivered")>;
using presence_atom = caf::atom_constant<caf::atom("presence")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using marks_atom = caf::atom_constant<caf::atom("marks")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using account_atom = caf::atom_constant<caf::atom("account")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;
using receipts_atom = caf::atom_constant<caf::atom("receipts")>;
using inbox_atom = caf::atom_constant<caf::atom("inbox")>;

// Cluster mode.
using chain_atom = caf::atom_constant<caf::atom("chain")>;
using gap_atom = caf::atom_constant<caf::atom("gap")>;
using last_atom = caf::atom_constant<caf::atom("last")>;
using remote_atom = caf::atom_constant<caf::atom("remote")>;
using here_atom = caf::atom_constant<caf::atom("here")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using links_atom = caf::atom_constant<caf::atom("links")>;
using beat_atom = caf::atom_constant<caf::atom("beat")>;
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
using resync_atom = caf::atom_constant<caf::atom("resync")>;
using bye_atom = caf::atom_constant<caf::atom("bye")>;

// Operators' view (actors/admin).
using admin_atom = caf::atom_constant<caf::atom("admin")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using user_atom = caf::atom_constant<caf::atom("user")>;
using describe_atom = caf::atom_constant<caf::atom("describe")>;
using kick_atom = caf::atom_constant<caf::atom("kick")>;
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
using backlog_atom = caf::atom_constant<caf::atom("backlog")>;

// Password hashing.
using hash_atom = caf::atom_constant<caf::atom("hash")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

} // namespace parley
