# Login burst: the latency of a message stream with and without 150 logins
# in flight, on the node of this tree and (with --against) on a second node
# binary, interleaved in one run on one PostgreSQL. Sourced by
# ./dev bench --login-burst (uses ./dev's helpers and standard_scenarios.sh).
# shellcheck shell=bash disable=SC2154 # globals of ./dev and the scripts

# shellcheck source=bench/scripts/standard_scenarios.sh
source "$(dirname "${BASH_SOURCE[0]}")/standard_scenarios.sh"

# The stream: 100 users in pairs at 1,000 msgs/s in total, well within what
# a node sustains (the standard 5,000/s run has a p99 near 10 ms), so that
# what changes its tail is the burst. 150 logins in flight keep the hashing
# pool (2 workers, 64 queued) full for the whole window; the rest get 503
# and retry after a pause.
readonly burst_users=100 burst_rate_per_s=1000 burst_logins=150
readonly burst_warmup_s=2 burst_window_s=10 burst_drain_s=30

# burst_server NAME BINARY PORT REPEAT: one repeat on a fresh process of
# BINARY: the stream alone, then with the burst. The port stays the same
# for all repeats, so that the users file (which names its target) is
# reused.
burst_server() {
  local name=$1 port=$3 repeat=$4
  parley_bin=$2
  local database="bench_${name//-/_}"
  local db_url="postgresql://postgres@127.0.0.1:$pg_port/$database"
  local log_file="$results_dir/$name.log"
  local common=(--target "127.0.0.1:$port" --users-file "$bench_work/users-$name.txt"
                --db-url "$db_url" --users "$burst_users")
  start_server parley "$port" "$db_url" "$log_file"
  if ((repeat == 1)); then
    run_tool "$name" users 1 conns "${common[@]}" --hold 0 --drain 10
  fi
  local measured=("${common[@]}" --server-pid "$server_pid" --db-pid "$pg_pid"
                  --rate "$burst_rate_per_s" --warmup "$burst_warmup_s"
                  --window "$burst_window_s" --drain "$burst_drain_s")
  settle_database "$database"
  run_tool "$name" quiet "$repeat" rate "${measured[@]}"
  settle_database "$database"
  run_tool "$name" burst "$repeat" rate "${measured[@]}" \
    --login-burst "$burst_logins"
  stop_server
}

# Medians per server and kind, and the ratio burst/quiet of the p99.
print_burst_summary() {
  python3 - "$runs_file" "$1" <<'EOF'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
out = {"runs": runs, "servers": {}}
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
print()
print(f"{'server':<10} | {'runs':>4} | {'p50 quiet':>9} | {'p99 quiet':>9} | "
      f"{'p50 burst':>9} | {'p99 burst':>9} | {'p99 ratio':>9} | "
      f"{'logins/s':>8} | {'login p99':>9} | each run's p99 quiet/burst (ms)")
failed = 0
for server in dict.fromkeys(r["server"] for r in runs):
    mine = [r for r in runs if r["server"] == server]
    failed += sum(1 for r in mine if r["exit"] != 0)
    by = lambda kind: [r["result"] for r in mine
                       if r["scenario"] == kind and r["result"]]
    quiet, burst = by("quiet"), by("burst")
    q99 = median([r["latency_p99_ms"] for r in quiet])
    b99 = median([r["latency_p99_ms"] for r in burst])
    figures = {
        "p50_quiet_ms": median([r["latency_p50_ms"] for r in quiet]),
        "p99_quiet_ms": q99,
        "p50_burst_ms": median([r["latency_p50_ms"] for r in burst]),
        "p99_burst_ms": b99,
        "p99_ratio": b99 / q99 if q99 and b99 is not None else None,
        "logins_per_s": median([r["logins_ok"] / r["window_s"] for r in burst
                                if r.get("logins_ok") is not None]),
        "login_p99_ms": median([r["login_latency_p99_ms"] for r in burst]),
        "p99_each": [(q["latency_p99_ms"], b["latency_p99_ms"])
                     for q, b in zip(quiet, burst)],
    }
    out["servers"][server] = figures
    fmt = lambda v, f="{:.1f}": "-" if v is None else f.format(v)
    each = ", ".join(f"{q:.1f}/{b:.1f}" for q, b in figures["p99_each"])
    print(f"{server:<10} | {len(burst):>4} | {fmt(figures['p50_quiet_ms']):>9} | "
          f"{fmt(q99):>9} | {fmt(figures['p50_burst_ms']):>9} | {fmt(b99):>9} | "
          f"{fmt(figures['p99_ratio'], '{:.2f}x'):>9} | "
          f"{fmt(figures['logins_per_s']):>8} | "
          f"{fmt(figures['login_p99_ms'], '{:.0f}'):>9} | {each}")
json.dump(out, open(sys.argv[2], "w"))
print(f"\nsaved {sys.argv[2]}; runs not clean: {failed}")
sys.exit(1 if failed else 0)
EOF
}

# run_login_burst AGAINST REPEAT: AGAINST is a second node binary or "".
run_login_burst() {
  local against=$1 repeat_total=$2
  repeat_count=$repeat_total
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n "$(ulimit -Hn)"
  prepare_bench_run "login-burst-%s"
  local this_tree
  this_tree=$(node_binary)
  [[ -z $against || -x $against ]] || die "bench: --against $against is not executable"

  pg_bin=$(pg_bin_dir)
  start_postgres
  pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
  local name
  for name in this-tree ${against:+against}; do
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "bench_${name//-/_}"
  done
  log "$(date), nproc $(nproc), load $(load_average)"
  log "command: $invocation; against: ${against:-none}"
  # Interleaved, so that a change in the machine's load over the run falls
  # on both nodes alike.
  local r this_port against_port
  this_port=$(free_port)
  against_port=$(free_port)
  for ((r = 1; r <= repeat_total; r++)); do
    burst_server this-tree "$this_tree" "$this_port" "$r"
    if [[ -n $against ]]; then
      burst_server against "$against" "$against_port" "$r"
    fi
  done
  log "load at the end $(load_average)"
  print_burst_summary "$results_dir.json"
}
