# ./dev bench --ack-cost: what client acks cost the closed loop. The
# throughput scenario runs with --ack-every 0, 10 and 50 against this
# tree's node, and optionally with --ack-every 0 against another build of
# the node (--compare-node PATH), in alternating order, each run on a fresh
# process and a fresh copy of the users' database, first on PostgreSQL,
# then on SQLite. Sourced by ./dev after
# standard_scenarios.sh (uses its sizes, run_tool, settle_database and
# cleanup).
# shellcheck shell=bash disable=SC2154,SC2034 # globals of ./dev and the scenarios

# label:build:ack-every:users. Plain runs and acking runs get different
# users: a device's cursor moves only for what it confirmed, so a plain run
# (the default device) on the acking runs' users (devices u<i>c<n>) would be
# handed their messages as an offline push on connect, and the other way
# round. Acking runs share theirs: every run's devices end with a final ack.
readonly ack_cost_configs=(a0:new:0:plain a10:new:10:ack a50:new:50:ack)
readonly ack_cost_compare_config=old0:old:0:plain
readonly ack_cost_previous_config=prev0:prev:0:plain

# ack_cost_order ROUND CONFIG...: the configurations rotated by ROUND, so
# that each takes every place in the order equally often.
ack_cost_order() {
  local round=$1
  shift
  local configs=("$@") n=$# i
  for ((i = 0; i < n; i++)); do
    printf '%s\n' "${configs[(i + round) % n]}"
  done
}

# ack_cost_node BUILD: the node binary of BUILD (new, old or prev).
ack_cost_node() {
  case $1 in
    old) printf '%s\n' "$compare_node" ;;
    prev) printf '%s\n' "$previous_node" ;;
    *) node_binary ;;
  esac
}

# ack_cost_db BACKEND NAME: the node's --db for database NAME.
ack_cost_db() {
  if [[ $1 == pg ]]; then
    printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$pg_port" "$2"
  else
    printf 'sqlite:%s/%s.db\n' "$bench_work" "$2"
  fi
}

# ack_cost_copy BACKEND FROM TO: a fresh copy of a stopped node's database
# (the users, made once), replacing TO; a newer node migrates its copy when
# it starts.
ack_cost_copy() {
  if [[ $1 == pg ]]; then
    "$pg_bin/dropdb" -h 127.0.0.1 -p "$pg_port" -U postgres --if-exists "$3"
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres -T "$2" "$3"
    return
  fi
  rm -f "$bench_work/$3.db" "$bench_work/$3.db-wal" "$bench_work/$3.db-shm"
  python3 - "$bench_work/$2.db" "$bench_work/$3.db" <<'EOF'
import sqlite3, sys
source, target = (sqlite3.connect(path) for path in sys.argv[1:])
source.backup(target)
EOF
}

# ack_cost_backend BACKEND CONFIG...: users once (by the oldest build, so
# that every build can open a copy), then
# the alternating runs on BACKEND (pg or sqlite), each on a fresh process
# and a fresh copy of that database: a database that grew with earlier runs
# slows the next one, and a0, a10 and a50 would grow theirs three times as
# fast as another build's.
ack_cost_backend() {
  local backend=$1
  shift
  local configs=("$@") config label build every users port r order group
  # The oldest build makes the users: newer ones migrate their copies.
  local maker=new
  [[ -n $previous_node ]] && maker=prev
  [[ -n $compare_node ]] && maker=old
  port=$(free_port)
  if [[ $backend == pg ]]; then
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ack_base
  fi
  parley_bin=$(ack_cost_node "$maker")
  start_server parley "$port" "$(ack_cost_db "$backend" ack_base)" \
    "$results_dir/$backend-base.log"
  # Only the user groups the configurations use (--plain: no acking runs).
  local groups=() config_users
  for config in "${configs[@]}"; do
    config_users=${config##*:}
    [[ " ${groups[*]} " == *" $config_users "* ]] || groups+=("$config_users")
  done
  for group in "${groups[@]}"; do
    run_tool "$backend-$group" users 1 conns --target "127.0.0.1:$port" \
      --users "$traffic_users" --user-prefix "${group}_" --hold 0 \
      --users-file "$bench_work/users-$backend-$group.txt" --drain "$drain_s"
  done
  stop_server
  for ((r = 1; r <= repeat_count; r++)); do
    mapfile -t order < <(ack_cost_order "$r" "${configs[@]}")
    for config in "${order[@]}"; do
      IFS=: read -r label build every users <<<"$config"
      parley_bin=$(ack_cost_node "$build")
      local db extra=()
      ack_cost_copy "$backend" ack_base ack_run
      db=$(ack_cost_db "$backend" ack_run)
      if [[ $backend == pg ]]; then
        settle_database ack_run
        extra=(--db-pid "$pg_pid" --db-url "$db")
      else
        sqlite_file=${db#sqlite:}
      fi
      start_server parley "$port" "$db" "$results_dir/$backend-$build.log"
      run_tool "$backend-$label" throughput "$r" throughput \
        --target "127.0.0.1:$port" --users "$traffic_users" \
        --user-prefix "${users}_" \
        --users-file "$bench_work/users-$backend-$users.txt" \
        --server-pid "$server_pid" "${extra[@]}" --inflight "$inflight" \
        --warmup "$warmup_s" --window "$window_s" --drain "$drain_s" \
        --ack-every "$every"
      stop_server
      sqlite_file=
    done
  done
}

# print_ack_cost META RUNS OUT_JSON: medians per backend and configuration,
# the ratios against --ack-every 0, and the JSON file; fails when any run
# was not clean.
print_ack_cost() {
  python3 - "$@" <<'EOF'
import json, statistics, sys

meta_path, runs_path, out_path = sys.argv[1:]
meta = json.load(open(meta_path))
runs = [json.loads(line) for line in open(runs_path) if line.strip()]
traffic = [r for r in runs if r["scenario"] == "throughput"]
keys = ["throughput_msgs_per_s", "cpu_us_per_msg", "latency_p99_ms",
        "ack_frames_sent", "lost", "lost_per_connection", "duplicated"]
rows = {}
per_msg = ["node_us_per_msg", "tool_us_per_msg"]
for run in traffic:
    figures = rows.setdefault(run["server"],
                              {k: [] for k in keys + per_msg + ["exit"]})
    result = run["result"] or {}
    for k in keys:
        if result.get(k) is not None:
            figures[k].append(result[k])
    # CPU per message of the node alone and of the tool: where acks cost.
    if result.get("window_messages"):
        n = result["window_messages"]
        if result.get("cpu_server_s") is not None:
            figures["node_us_per_msg"].append(result["cpu_server_s"] * 1e6 / n)
        figures["tool_us_per_msg"].append(result["cpu_tool_s"] * 1e6 / n)
    figures["exit"].append(run["exit"])


def median_of(values):
    return statistics.median(values) if values else None


def shown(value):
    return "-" if value is None else f"{value:.1f}"


summary = {}
print(f"\n{'configuration':<12} | {'msgs/s median':>13} | {'each run':<48} | "
      f"{'us/msg':>6} | {'node':>5} | {'tool':>5} | {'p99 ms':>7} | "
      f"{'ratio':>6}")
print("-" * 128)
for name, f in rows.items():
    backend, label = name.split("-", 1)
    base = rows.get(f"{backend}-a0")
    med = statistics.median(f["throughput_msgs_per_s"] or [0])
    base_med = statistics.median(base["throughput_msgs_per_s"] or [0]) if base else 0
    ratio = med / base_med if base_med else None
    cpu = median_of(f["cpu_us_per_msg"])
    node = median_of(f["node_us_per_msg"])
    tool = median_of(f["tool_us_per_msg"])
    p99 = median_of(f["latency_p99_ms"])
    each = ", ".join(f"{v:,.0f}" for v in f["throughput_msgs_per_s"])
    print(f"{name:<12} | {med:>13,.1f} | {each:<48} | {shown(cpu):>6} | "
          f"{shown(node):>5} | {shown(tool):>5} | {shown(p99):>7} | "
          f"{'-' if ratio is None else f'{ratio:.3f}':>6}")
    summary[name] = {"median_msgs_per_s": med, "ratio_to_a0": ratio,
                     "median_cpu_us_per_msg": cpu,
                     "median_node_us_per_msg": node,
                     "median_tool_us_per_msg": tool, "median_p99_ms": p99,
                     **{k: f[k] for k in keys + per_msg}, "exit": f["exit"]}


def paired_ratios(backend, label):
    """Per round, this configuration over --ack-every 0 of the same round:
    the machine's drift between rounds cancels out."""
    by_round = {}
    for run in traffic:
        result = run["result"] or {}
        if result.get("throughput_msgs_per_s"):
            by_round.setdefault(run["repeat"], {})[run["server"]] = \
                result["throughput_msgs_per_s"]
    ratios = []
    for figures in by_round.values():
        base, other = figures.get(f"{backend}-a0"), figures.get(f"{backend}-{label}")
        if base and other:
            ratios.append(other / base)
    return ratios


print()
for name in summary:
    backend, label = name.split("-", 1)
    ratios = paired_ratios(backend, label)
    summary[name]["paired_ratios_to_a0"] = ratios
    summary[name]["median_paired_ratio_to_a0"] = median_of(ratios)
    if label != "a0" and ratios:
        print(f"{name}: per round / a0 of the same round: median "
              f"{median_of(ratios):.3f} (" +
              ", ".join(f"{r:.2f}" for r in ratios) + ")")
print()
for backend in dict.fromkeys(name.split("-", 1)[0] for name in summary):
    a0 = summary.get(f"{backend}-a0", {}).get("median_msgs_per_s")
    for label in ("a10", "a50"):
        s = summary.get(f"{backend}-{label}")
        if a0 and s:
            print(f"{backend}: --ack-every {label[1:]} costs "
                  f"{(1 - s['median_msgs_per_s'] / a0) * 100:+.1f} % of the "
                  f"closed loop's throughput (median against --ack-every 0)")
    for label, what in (("old0", "the compared node"),
                        ("prev0", "the previous node")):
        other = summary.get(f"{backend}-{label}", {}).get("median_msgs_per_s")
        if a0 and other:
            print(f"{backend}: this node without acks / {what}: "
                  f"{a0 / other:.3f}")
unclean = sum(1 for r in runs if r["exit"] != 0)
print(f"\nruns not clean (exit != 0): {unclean}; lost, all runs: "
      f"{sum(sum(f['lost']) for f in rows.values())}; duplicated: "
      f"{sum(sum(f['duplicated']) for f in rows.values())}")
meta["ack_cost"] = summary
meta["runs"] = runs
json.dump(meta, open(out_path, "w"), indent=1)
print(f"saved {out_path}")
sys.exit(1 if unclean else 0)
EOF
}

# run_ack_cost QUICK REPEAT COMPARE_NODE PREVIOUS_NODE PLAIN BACKENDS: the
# whole measurement; PLAIN (true or false) leaves out the acking runs,
# BACKENDS is "pg sqlite", "pg" or "sqlite".
run_ack_cost() {
  local quick=$1
  repeat_count=$2
  compare_node=$3
  previous_node=$4
  local plain=${5:-false} backends=${6:-pg sqlite}
  set_scenario_sizes "$quick"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n "$(ulimit -Hn)"
  prepare_bench_run "%s-ack-cost"
  local node
  node=$(node_binary)
  local configs=("${ack_cost_configs[@]}")
  $plain && configs=("${ack_cost_configs[0]}")
  if [[ -n $compare_node ]]; then
    [[ -x $compare_node ]] || die "bench: no executable node at $compare_node"
    configs+=("$ack_cost_compare_config")
  fi
  if [[ -n $previous_node ]]; then
    [[ -x $previous_node ]] || die "bench: no executable node at $previous_node"
    configs+=("$ack_cost_previous_config")
  fi
  pg_bin=$(pg_bin_dir)
  start_postgres
  pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
  local meta="$results_dir/meta.json"
  python3 - "$meta" "$invocation" "$(load_average)" "$repeat_count" \
    "$traffic_users" "$inflight" "$warmup_s" "$window_s" "$drain_s" \
    "$node" "$compare_node" "$previous_node" \
    "$("$pg_bin/postgres" --version)" <<'EOF'
import datetime, json, os, sys
(path, command, load, repeat, users, inflight, warmup, window, drain, node,
 compare, previous, pg) = sys.argv[1:]
json.dump({
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "command": command, "nproc": os.cpu_count(), "load_average_start": load,
    "postgresql": pg, "repeat": int(repeat), "node": node,
    "compare_node": compare or None, "previous_node": previous or None,
    "sizes": {"traffic_users": int(users), "inflight": int(inflight),
              "warmup_s": float(warmup), "window_s": float(window),
              "drain_s": float(drain)},
}, open(path, "w"))
EOF
  log "$(date), nproc $(nproc), load $(load_average)"
  log "command: $invocation"
  local backend
  for backend in $backends; do
    ack_cost_backend "$backend" "${configs[@]}"
  done
  log "load at the end: $(load_average)"
  print_ack_cost "$meta" "$runs_file" \
    "$results_dir.json"
}
