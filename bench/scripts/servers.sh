# Standard scenarios: the server under test (a Parley node or the seed
# design), started and stopped by PID, one at a time. Sourced by
# standard_scenarios.sh; uses ./dev's log and die.
# shellcheck shell=bash disable=SC2154 # globals of standard_scenarios.sh

server_pid=  # the running server, empty when none
server_log=  # where it writes its output

# True while the process exists and is not a zombie: an exited child stays
# visible to kill -0 until it is reaped.
process_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the command name may hold spaces; the state follows it
  [[ -n $stat && ${stat%% *} != Z ]]
}

# True when GET PATH on the loopback PORT answers 200. Plain bash, so the
# benchmark needs no HTTP client package.
http_ok() {
  local port=$1 path=$2 status
  status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" \
    && printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' \
      "$path" >&3 \
    && head -n 1 <&3) 2>/dev/null) || return 1
  [[ $status == "HTTP/1.1 200"* ]]
}

# start_server KIND PORT DB LOG: starts Parley (KIND parley, DB its --db URL)
# or the seed design (KIND seed, DB a lib/pq connection string) on PORT and
# waits until its health check answers. Sets server_pid.
start_server() {
  local kind=$1 port=$2 db=$3 health
  server_log=$4
  printf -- '--- start %s\n' "$(date -u +%FT%TZ)" >>"$server_log"
  case $kind in
    parley)
      "$parley_bin" --db "$db" --listen "127.0.0.1:$port" \
        --token-key-file "$bench_work/token.key" >>"$server_log" 2>&1 &
      health=/healthz
      ;;
    seed)
      "$seed_bin" -listen "127.0.0.1:$port" -db "$db" -secret "$seed_secret" \
        -db-max-conns 50 >>"$server_log" 2>&1 &
      health=/health
      ;;
    *) die "start_server: unknown kind $kind" ;;
  esac
  server_pid=$!
  local deadline=$((SECONDS + 60))
  until http_ok "$port" "$health"; do
    if ! process_running "$server_pid"; then
      wait "$server_pid" 2>/dev/null || true
      server_pid=
      tail -n 20 "$server_log" >&2
      die "$kind did not start on port $port (log: $server_log)"
    fi
    if ((SECONDS >= deadline)); then
      stop_server
      die "$kind did not answer $health on port $port within 60 s"
    fi
    sleep 0.1
  done
}

# Stops the running server: SIGTERM (Parley commits what it accepted and
# exits), SIGKILL after 30 s.
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while process_running "$server_pid" && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if process_running "$server_pid"; then
    log "server $server_pid ignored SIGTERM for 30 s; killing it"
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
