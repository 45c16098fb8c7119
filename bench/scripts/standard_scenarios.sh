# Standard scenarios for ./dev bench: their sizes, the order they run in on
# each server, and the lifecycle of everything the run starts. Sourced by
# ./dev (uses its log, die, build_dir, node_binary, pg_bin_dir, free_port,
# start_postgres, stop_postgres and invocation).
# shellcheck shell=bash disable=SC2154 # globals of ./dev

bench_scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/scripts/servers.sh
source "$bench_scripts/servers.sh"
# shellcheck source=bench/scripts/summary.sh
source "$bench_scripts/summary.sh"

readonly seed_secret=parley-bench-fixed-secret
readonly rate_targets_per_s=(5000 20000)

bench_work=    # temp dir: databases, token key, users files, seed binary
results_dir=   # build/bench-results/<stamp>/: every run's output, server logs
runs_file=     # one JSON record per tool run
repeat_count=1
sqlite_file=   # set while a run drives the SQLite node: rows are counted here

# Sizes. Every user costs a sign-up and a login: two argon2id hashes on
# Parley, two bcrypt hashes on the seed design, 7-25 users/s on two shared
# cores. So conns uses the traffic users (975 of them) with 20 connections
# each (devices) rather than 19,500 users, and each server+database makes
# its 1,000 users once per run. Open loops get a long drain so that a server
# that falls behind shows it as latency rather than as loss.
set_scenario_sizes() {
  if [[ $1 == true ]]; then
    conns_users=100 conns_per_user=20 hold_s=2
    traffic_users=100 warmup_s=1 window_s=3 drain_s=5 rate_drain_s=30
  else
    conns_users=975 conns_per_user=20 hold_s=5
    traffic_users=1000 warmup_s=2 window_s=10 drain_s=10 rate_drain_s=60
  fi
  inflight=10
}

# prepare_bench_run FORMAT: a results directory build/bench-results/NAME,
# where NAME is FORMAT with %s replaced by the UTC time (its JSON summary
# goes to $results_dir.json), an empty runs file, a work directory with a
# fresh token key, and the load tool.
prepare_bench_run() {
  local stamp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  results_dir="$PWD/$build_dir/bench-results/${1//%s/$stamp}"
  mkdir -p "$results_dir"
  runs_file="$results_dir/runs.jsonl"
  : >"$runs_file"
  bench_work=$(mktemp -d /tmp/parley-bench.XXXXXX)
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$bench_work/token.key"
  bench_bin="$build_dir/bench/parley-bench"
  [[ -x $bench_bin ]] || die "no $bench_bin after the build"
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

bench_cleanup() {
  stop_server
  stop_postgres
  [[ -n $bench_work ]] && rm -rf "$bench_work"
  bench_work=
}

# Messages stored in the SQLite database (the node's writes are visible to a
# second reader in WAL mode).
sqlite_rows() {
  python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(db.execute("SELECT count(*) FROM messages").fetchone()[0])
EOF
}

# run_tool SERVER SCENARIO REPEAT MODE [ARGS...]: one parley-bench run. Its
# table goes to the terminal; its JSON line, tagged, to runs_file. Every
# running server (all nodes of a cluster) must still run afterwards.
run_tool() {
  local server=$1 scenario=$2 repeat=$3 mode=$4
  shift 4
  local out="$results_dir/$server-$scenario-$repeat.out"
  log "$server: $scenario (run $repeat of $repeat_count), load $(load_average)"
  local rows_before=null rows_after=null
  [[ -n $sqlite_file ]] && rows_before=$(sqlite_rows "$sqlite_file")
  local status=0 began=$SECONDS
  "$bench_bin" "$mode" "$@" >"$out" || status=$?
  [[ -n $sqlite_file ]] && rows_after=$(sqlite_rows "$sqlite_file")
  sed '$d' "$out"
  local json
  json=$(tail -n 1 "$out")
  [[ $json == \{* ]] || json=null
  local alive=true dead_log
  dead_log=$(servers_alive) || alive=false
  printf '{"server":"%s","scenario":"%s","repeat":%d,"exit":%d,"seconds":%d,"server_alive":%s,"sqlite_rows_before":%s,"sqlite_rows_after":%s,"result":%s}\n' \
    "$server" "$scenario" "$repeat" "$status" $((SECONDS - began)) "$alive" \
    "$rows_before" "$rows_after" "$json" >>"$runs_file"
  ((status == 0)) || log "$server: $scenario exited $status (output: $out)"
  $alive || die "a server of $server exited during $scenario (log: $dead_log)"
}

# settle_database DATABASE: finishes the background work a scenario leaves
# behind (autovacuum after its inserts, a checkpoint of its WAL) before the
# next one measures, so that neither lands in another's window; the same
# for every server.
settle_database() {
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" \
    -c "VACUUM (ANALYZE) messages" -c "CHECKPOINT" >/dev/null
}

# bench_postgres_server KIND: the PostgreSQL scenarios on a fresh database.
# Users are made once, on a first process; every repeat then starts a fresh
# one (RSS per connection needs it) and runs conns first.
bench_postgres_server() {
  local kind=$1 name=$1-pg protocol=$1
  local database="bench_$kind" port
  port=$(free_port)
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$database"
  local db_url="postgresql://postgres@127.0.0.1:$pg_port/$database"
  local db=$db_url
  [[ $kind == seed ]] && db="host=127.0.0.1 port=$pg_port user=postgres dbname=$database sslmode=disable"
  local common=(--target "127.0.0.1:$port" --protocol "$protocol"
                --users-file "$bench_work/users-$name.txt" --db-url "$db_url")
  local log_file="$results_dir/$name.log"
  local setup_users=$((conns_users > traffic_users ? conns_users : traffic_users))

  start_server "$kind" "$port" "$db" "$log_file"
  run_tool "$name" users 1 conns "${common[@]}" --users "$setup_users" \
    --hold 0 --drain "$drain_s"
  stop_server
  local r rate
  for ((r = 1; r <= repeat_count; r++)); do
    start_server "$kind" "$port" "$db" "$log_file"
    local measured=("${common[@]}" --server-pid "$server_pid" --db-pid "$pg_pid")
    run_tool "$name" conns "$r" conns "${measured[@]}" --users "$conns_users" \
      --conns-per-user "$conns_per_user" --hold "$hold_s" --drain "$drain_s"
    settle_database "$database"
    run_tool "$name" throughput "$r" throughput "${measured[@]}" \
      --users "$traffic_users" --inflight "$inflight" --warmup "$warmup_s" \
      --window "$window_s" --drain "$drain_s"
    for rate in "${rate_targets_per_s[@]}"; do
      settle_database "$database"
      run_tool "$name" "rate$rate" "$r" rate "${measured[@]}" \
        --users "$traffic_users" --rate "$rate" --warmup "$warmup_s" \
        --window "$window_s" --drain "$rate_drain_s"
    done
    stop_server
  done
}

# The closed loop on a Parley node with a fresh SQLite database; the node's
# CPU includes SQLite's.
bench_sqlite_server() {
  local name=parley-sqlite port r
  port=$(free_port)
  sqlite_file="$bench_work/bench.db"
  start_server parley "$port" "sqlite:$sqlite_file" "$results_dir/$name.log"
  for ((r = 1; r <= repeat_count; r++)); do
    run_tool "$name" throughput "$r" throughput --target "127.0.0.1:$port" \
      --users-file "$bench_work/users-$name.txt" --server-pid "$server_pid" \
      --users "$traffic_users" --inflight "$inflight" --warmup "$warmup_s" \
      --window "$window_s" --drain "$drain_s"
  done
  stop_server
  sqlite_file=
}

# run_standard_scenarios BASELINE QUICK REPEAT
run_standard_scenarios() {
  local baseline=$1 quick=$2
  repeat_count=$3
  set_scenario_sizes "$quick"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM

  # Every connection is a descriptor in the server and one in the tool.
  ulimit -n "$(ulimit -Hn)"
  local needed=$((conns_users * conns_per_user + 256))
  (($(ulimit -n) >= needed)) \
    || die "bench: needs $needed open files, the hard limit is $(ulimit -Hn)"

  prepare_bench_run "%s"
  parley_bin=$(node_binary)
  seed_bin=
  if $baseline; then
    seed_bin="$bench_work/seed-go"
    local seed_source=../shared/peers/seed-go
    [[ -x $seed_source/build.sh ]] \
      || die "no $seed_source/build.sh beside the repository (needed by --baseline)"
    log "building the seed design from $seed_source"
    "$seed_source/build.sh" "$seed_bin" >"$results_dir/seed-build.log" 2>&1 \
      || { cat "$results_dir/seed-build.log" >&2; die "the seed design did not build"; }
  fi

  pg_bin=$(pg_bin_dir)
  start_postgres
  pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")

  local meta="$results_dir/meta.json" started=$SECONDS
  python3 - "$meta" "$invocation" "$(load_average)" "$baseline" "$quick" \
    "$repeat_count" "$conns_users" "$conns_per_user" "$hold_s" \
    "$traffic_users" "$inflight" "$warmup_s" "$window_s" "$drain_s" \
    "$rate_drain_s" "$("$pg_bin/postgres" --version)" <<'EOF'
import datetime, json, os, sys
(path, command, load, baseline, quick, repeat, conns_users, conns_per_user,
 hold, users, inflight, warmup, window, drain, rate_drain, pg) = sys.argv[1:]
pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
meta = {
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "command": command, "nproc": os.cpu_count(),
    "memory_gib": round(pages / 2**30, 1), "load_average_start": load,
    "postgresql": pg, "baseline": baseline == "true", "quick": quick == "true",
    "repeat": int(repeat),
    "sizes": {"conns_users": int(conns_users),
              "conns_per_user": int(conns_per_user), "hold_s": float(hold),
              "traffic_users": int(users), "inflight": int(inflight),
              "warmup_s": float(warmup), "window_s": float(window),
              "drain_s": float(drain), "rate_drain_s": float(rate_drain)},
}
json.dump(meta, open(path, "w"))
EOF
  log "$(date), nproc $(nproc), load $(load_average)"
  log "command: $invocation"

  bench_postgres_server parley
  bench_sqlite_server
  if $baseline; then bench_postgres_server seed; fi

  local status=0
  print_summary "$meta" "$runs_file" "$((SECONDS - started))" "$(load_average)" \
    "$results_dir.json" || status=$?
  return "$status"
}
