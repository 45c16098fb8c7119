# ./dev bench --cluster: one node against a cluster of three, in one run on
# one PostgreSQL. The closed loop (throughput) and the open loop at 5,000
# msgs/s, with the standard scenarios' sizes; on the cluster every message
# crosses nodes (parley-bench --targets, bench/placement.hpp). Each round
# runs both configurations on fresh processes, alternating which goes
# first. Sourced by ./dev after standard_scenarios.sh (uses its sizes,
# run_tool, settle_database, cleanup and the servers in servers.sh).
# shellcheck shell=bash disable=SC2154,SC2034 # globals of ./dev and the scenarios

readonly cluster_nodes=3
readonly cluster_rate_per_s=5000

# Node i listens on cluster_ports[i]; the single node uses node 1's port,
# so that one users file (matched against the first target) serves both.
cluster_ports=()

# cluster_db_url NAME: the --db of database NAME.
cluster_db_url() {
  printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$pg_port" "$1"
}

# pick_cluster_ports: a distinct free port per node.
pick_cluster_ports() {
  local port
  cluster_ports=()
  while ((${#cluster_ports[@]} < cluster_nodes)); do
    port=$(free_port)
    [[ " ${cluster_ports[*]} " == *" $port "* ]] || cluster_ports+=("$port")
  done
}

# cluster_targets: HOST:PORT of every node, joined by commas.
cluster_targets() {
  local IFS=,
  printf '%s\n' "${cluster_ports[*]/#/127.0.0.1:}"
}

# start_single DB: a plain node, as the standard scenarios run it.
start_single() {
  start_server parley "${cluster_ports[0]}" "$1" "$results_dir/single.log"
  await_server "$server_pid" "${cluster_ports[0]}" /readyz /healthz
}

# start_cluster DB: every node at once (a node may only be ready once it
# sees its peers), then waits until each answers /readyz.
start_cluster() {
  local db=$1 i
  for ((i = 0; i < cluster_nodes; i++)); do
    launch_server parley "${cluster_ports[i]}" "$db" \
      "$results_dir/cluster-node$((i + 1)).log" \
      --cluster-listen 127.0.0.1:0 --node-name "node$((i + 1))"
  done
  for ((i = 0; i < cluster_nodes; i++)); do
    await_server "${server_pids[i]}" "${cluster_ports[i]}" /readyz /healthz
  done
}

# cluster_config CONFIG ROUND: the two scenarios on fresh processes of
# CONFIG (single or cluster), each after settling the database.
cluster_config() {
  local config=$1 r=$2 database="cluster_$1" db where
  db=$(cluster_db_url "$database")
  if [[ $config == single ]]; then
    start_single "$db"
    where=(--target "127.0.0.1:${cluster_ports[0]}")
  else
    start_cluster "$db"
    where=(--targets "$(cluster_targets)")
  fi
  # CPU and RSS are summed over every node.
  where+=(--server-pid "$(IFS=,; printf '%s' "${server_pids[*]}")")
  local common=("${where[@]}" --users "$traffic_users"
                --users-file "$bench_work/users-cluster.txt"
                --db-pid "$pg_pid" --db-url "$db"
                --warmup "$warmup_s" --window "$window_s")
  settle_database "$database"
  run_tool "$config" throughput "$r" throughput "${common[@]}" \
    --inflight "$inflight" --drain "$drain_s"
  settle_database "$database"
  run_tool "$config" "rate$cluster_rate_per_s" "$r" rate "${common[@]}" \
    --rate "$cluster_rate_per_s" --drain "$rate_drain_s"
  stop_server
}

# make_cluster_users: users once, through a plain node on a base database,
# then a copy of it per configuration, so that both start from the same
# rows and neither measures in a table the other's runs have grown.
make_cluster_users() {
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres cluster_base
  start_server parley "${cluster_ports[0]}" "$(cluster_db_url cluster_base)" \
    "$results_dir/users.log"
  run_tool setup users 1 conns --target "127.0.0.1:${cluster_ports[0]}" \
    --users "$traffic_users" --users-file "$bench_work/users-cluster.txt" \
    --hold 0 --drain "$drain_s"
  stop_server
  local config
  for config in single cluster; do
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres \
      -T cluster_base "cluster_$config"
  done
}

# print_cluster META RUNS OUT_JSON READINESS: medians per configuration and
# scenario, the ratios cluster/single (overall and per round), and the JSON
# file; fails when any run was not clean.
print_cluster() {
  python3 - "$@" <<'EOF'
import json, statistics, sys

meta_path, runs_path, out_path, readiness = sys.argv[1:]
meta = json.load(open(meta_path))
meta["readiness"] = readiness
runs = [json.loads(line) for line in open(runs_path) if line.strip()]
measured = [r for r in runs if r["server"] in ("single", "cluster")]
scenarios = list(dict.fromkeys(r["scenario"] for r in measured))
figures = ["throughput_msgs_per_s", "latency_p50_ms", "latency_p99_ms",
           "cpu_us_per_msg", "lost", "stale"]


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def shown(value, form="{:,.1f}"):
    return "-" if value is None else form.format(value)


def figure(run, key):
    result = run["result"] or {}
    # A run that delivered nothing has no latency, not a latency of 0.
    if key.startswith("latency_") and not result.get("latency_count"):
        return None
    return result.get(key)


summary = {}
for scenario in scenarios:
    entry = summary.setdefault(scenario, {})
    for config in ("single", "cluster"):
        mine = [r for r in measured
                if r["scenario"] == scenario and r["server"] == config]
        entry[config] = {
            **{f"median_{k}": median_of([figure(r, k) for r in mine])
               for k in figures},
            "each_msgs_per_s": [figure(r, "throughput_msgs_per_s") for r in mine],
            "each_p99_ms": [figure(r, "latency_p99_ms") for r in mine],
            "exit": [r["exit"] for r in mine],
        }
    single, cluster = entry["single"], entry["cluster"]

    def ratio(key):
        a, b = single[f"median_{key}"], cluster[f"median_{key}"]
        return b / a if a and b is not None else None

    # Per round, cluster over single of the same round: drift of the
    # machine between rounds cancels out.
    rounds = {}
    for r in measured:
        if r["scenario"] == scenario and r["result"]:
            rounds.setdefault(r["repeat"], {})[r["server"]] = r["result"]
    paired = {"throughput": [], "p99": []}
    for pair in rounds.values():
        s, c = pair.get("single"), pair.get("cluster")
        if not (s and c):
            continue
        if s.get("throughput_msgs_per_s") and c.get("throughput_msgs_per_s") is not None:
            paired["throughput"].append(c["throughput_msgs_per_s"] /
                                        s["throughput_msgs_per_s"])
        if (s.get("latency_count") and c.get("latency_count")
                and s.get("latency_p99_ms")):
            paired["p99"].append(c["latency_p99_ms"] / s["latency_p99_ms"])
    entry["ratio_throughput_cluster_over_single"] = ratio("throughput_msgs_per_s")
    entry["ratio_p99_cluster_over_single"] = ratio("latency_p99_ms")
    entry["paired_throughput_ratios"] = paired["throughput"]
    entry["paired_p99_ratios"] = paired["p99"]
    entry["median_paired_throughput_ratio"] = median_of(paired["throughput"])
    entry["median_paired_p99_ratio"] = median_of(paired["p99"])

print(f"\n{'scenario':<12} | {'config':<7} | {'msgs/s median':>13} | "
      f"{'p50 ms':>7} | {'p99 ms':>8} | {'us/msg':>6} | each run's msgs/s")
print("-" * 100)
for scenario, entry in summary.items():
    for config in ("single", "cluster"):
        f = entry[config]
        each = ", ".join(shown(v, "{:,.0f}") for v in f["each_msgs_per_s"])
        print(f"{scenario:<12} | {config:<7} | "
              f"{shown(f['median_throughput_msgs_per_s']):>13} | "
              f"{shown(f['median_latency_p50_ms'], '{:.2f}'):>7} | "
              f"{shown(f['median_latency_p99_ms'], '{:.2f}'):>8} | "
              f"{shown(f['median_cpu_us_per_msg']):>6} | {each}")
print()
for scenario, entry in summary.items():
    print(f"{scenario}: cluster/single throughput "
          f"{shown(entry['ratio_throughput_cluster_over_single'], '{:.3f}')}"
          f" (per round: " + ", ".join(f"{v:.2f}" for v in
                                       entry["paired_throughput_ratios"]) +
          f"); cluster p99 / single p99 "
          f"{shown(entry['ratio_p99_cluster_over_single'], '{:.3f}')}"
          f" (per round: " + ", ".join(f"{v:.2f}" for v in
                                       entry["paired_p99_ratios"]) + ")")
print(f"readiness: {readiness}")
unclean = sum(1 for r in runs if r["exit"] != 0)
lost = sum(figure(r, "lost") or 0 for r in runs)
print(f"\nruns not clean (exit != 0): {unclean}; lost, all runs: {lost}")
meta["cluster"] = summary
meta["runs"] = runs
json.dump(meta, open(out_path, "w"), indent=1)
print(f"saved {out_path}")
sys.exit(1 if unclean else 0)
EOF
}

# run_cluster QUICK REPEAT: the whole measurement.
run_cluster() {
  local quick=$1
  repeat_count=$2
  set_scenario_sizes "$quick"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n "$(ulimit -Hn)"
  # One key for every node: a token from one node is good on all.
  prepare_bench_run "%s-cluster"
  parley_bin=$(node_binary)
  pg_bin=$(pg_bin_dir)
  start_postgres
  pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
  pick_cluster_ports
  local meta="$results_dir/meta.json"
  python3 - "$meta" "$invocation" "$(load_average)" "$repeat_count" \
    "$quick" "$cluster_nodes" "$cluster_rate_per_s" "$traffic_users" \
    "$inflight" "$warmup_s" "$window_s" "$drain_s" "$rate_drain_s" \
    "$("$pg_bin/postgres" --version)" <<'EOF'
import datetime, json, os, sys
(path, command, load, repeat, quick, nodes, rate, users, inflight, warmup,
 window, drain, rate_drain, pg) = sys.argv[1:]
json.dump({
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "command": command, "nproc": os.cpu_count(), "load_average_start": load,
    "postgresql": pg, "repeat": int(repeat), "quick": quick == "true",
    "nodes": int(nodes), "placement": "--targets: every message crosses nodes",
    "sizes": {"traffic_users": int(users), "inflight": int(inflight),
              "rate_per_s": float(rate), "warmup_s": float(warmup),
              "window_s": float(window), "drain_s": float(drain),
              "rate_drain_s": float(rate_drain)},
}, open(path, "w"))
EOF
  log "$(date), nproc $(nproc), load $(load_average)"
  log "command: $invocation"
  make_cluster_users
  local r config order
  for ((r = 1; r <= repeat_count; r++)); do
    order=(single cluster)
    ((r % 2 == 0)) && order=(cluster single)
    for config in "${order[@]}"; do
      cluster_config "$config" "$r"
    done
  done
  log "load at the end: $(load_average)"
  local readiness=/readyz
  if ((${#readiness_fallbacks[@]} > 0)); then
    readiness="/healthz on ${#readiness_fallbacks[@]} node starts: /readyz answered 404 (no readiness endpoint yet)"
  fi
  print_cluster "$meta" "$runs_file" \
    "$results_dir.json" "$readiness"
}
