# Standard scenarios: the servers under test (Parley nodes or the seed
# design), started and stopped by PID. Usually one at a time; cluster.sh
# runs several nodes at once. Sourced by standard_scenarios.sh; uses ./dev's
# log and die.
# shellcheck shell=bash disable=SC2154 # globals of standard_scenarios.sh

server_pid=     # the server started last, empty when none
server_log=     # where it writes its output
server_pids=()  # every running server started here, in start order
declare -A server_logs=() # PID -> its log
readiness_fallbacks=() # ports whose /readyz answered 404 (see await_server)

# True while the process exists and is not a zombie: an exited child stays
# visible to kill -0 until it is reaped.
process_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the command name may hold spaces; the state follows it
  [[ -n $stat && ${stat%% *} != Z ]]
}

# http_status PORT PATH: the status code GET PATH on the loopback PORT
# answers, nothing when it does not answer. Plain bash, so the benchmark
# needs no HTTP client package.
http_status() {
  local port=$1 path=$2 status
  status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" \
    && printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' \
      "$path" >&3 \
    && head -n 1 <&3) 2>/dev/null) || return 0
  [[ $status =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && printf '%s\n' "${BASH_REMATCH[1]}"
  return 0
}

# True when GET PATH on the loopback PORT answers 200.
http_ok() {
  [[ $(http_status "$1" "$2") == 200 ]]
}

# launch_server KIND PORT DB LOG [NODE_FLAGS...]: starts Parley (KIND
# parley, DB its --db URL, NODE_FLAGS added to its command line) or the seed
# design (KIND seed, DB a lib/pq connection string) on PORT without waiting
# for it. Sets server_pid and server_log, adds it to server_pids.
launch_server() {
  local kind=$1 port=$2 db=$3
  server_log=$4
  shift 4
  printf -- '--- start %s\n' "$(date -u +%FT%TZ)" >>"$server_log"
  case $kind in
    parley)
      "$parley_bin" --db "$db" --listen "127.0.0.1:$port" \
        --token-key-file "$bench_work/token.key" "$@" >>"$server_log" 2>&1 &
      ;;
    seed)
      "$seed_bin" -listen "127.0.0.1:$port" -db "$db" -secret "$seed_secret" \
        -db-max-conns 50 >>"$server_log" 2>&1 &
      ;;
    *) die "launch_server: unknown kind $kind" ;;
  esac
  server_pid=$!
  server_pids+=("$server_pid")
  server_logs[$server_pid]=$server_log
}

# await_server PID PORT PATH [FALLBACK]: waits until GET PATH on PORT
# answers 200, dying (after stopping every server) when the process PID
# exits or 60 s pass. With FALLBACK, a 404 on PATH (a node that has no such
# endpoint yet, e.g. /readyz before the cluster runtime) switches to
# FALLBACK; the port is noted in readiness_fallbacks.
await_server() {
  local pid=$1 port=$2 path=$3 fallback=${4:-} status
  local deadline=$((SECONDS + 60))
  while true; do
    status=$(http_status "$port" "$path")
    [[ $status == 200 ]] && return 0
    if [[ $status == 404 && -n $fallback ]]; then
      log "127.0.0.1:$port answers 404 to $path: waiting for $fallback instead"
      readiness_fallbacks+=("$port")
      path=$fallback fallback=
      continue
    fi
    if ! process_running "$pid"; then
      wait "$pid" 2>/dev/null || true
      local log_file=${server_logs[$pid]:-$server_log}
      tail -n 20 "$log_file" >&2
      stop_server
      die "the server on port $port did not start (log: $log_file)"
    fi
    if ((SECONDS >= deadline)); then
      stop_server
      die "the server on port $port did not answer $path with 200 within 60 s"
    fi
    sleep 0.1
  done
}

# start_server KIND PORT DB LOG [NODE_FLAGS...]: launch_server, then waits
# until its health check answers.
start_server() {
  local kind=$1 port=$2 health=/healthz
  launch_server "$@"
  [[ $kind == seed ]] && health=/health
  await_server "$server_pid" "$port" "$health"
}

# servers_alive: true when every running server still runs; otherwise
# prints the log of the first that does not.
servers_alive() {
  local pid
  for pid in "${server_pids[@]}"; do
    if ! process_running "$pid"; then
      printf '%s\n' "${server_logs[$pid]}"
      return 1
    fi
  done
}

# Stops every running server: SIGTERM to all at once (Parley commits what
# it accepted and exits), SIGKILL to any still running after 30 s.
stop_server() {
  ((${#server_pids[@]} > 0)) || return 0
  local pid
  for pid in "${server_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 30))
  for pid in "${server_pids[@]}"; do
    while process_running "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if process_running "$pid"; then
      log "server $pid ignored SIGTERM for 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset 'server_logs[$pid]'
  done
  server_pids=()
  server_pid=
}
