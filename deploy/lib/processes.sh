# The processes deploy/local-cluster starts, recorded in
# $state_dir/processes so that another invocation can show and stop
# exactly them. Sourced; uses the caller's state_dir, stop_timeout_s and log.
# shellcheck shell=bash disable=SC2154 # state_dir, stop_timeout_s

# Functions here end with an explicit "return 0": a bare return inside an
# EXIT trap (a failed up tears down from one) returns the status the trap
# began with.

# One line per process: NAME PID START ADDRESS CLUSTER LOG, where START is
# its start time in clock ticks since boot: a PID the system has reused for
# another process since has another start time, so it is never signalled.

# True while the process exists and is not a zombie: an exited child stays
# visible to kill -0 until it is reaped.
process_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the command name may hold spaces; the state follows it
  [[ -n $stat && ${stat%% *} != Z ]]
}

# The process's start time (field 22 of /proc/PID/stat), empty when gone.
process_start_ticks() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  read -ra fields <<<"${stat##*) }" # fields[0] is field 3, the state
  printf '%s\n' "${fields[19]}"
}

# record_process NAME PID ADDRESS CLUSTER LOG: adds or replaces NAME's line.
record_process() {
  local name=$1 pid=$2 file=$state_dir/processes
  local line
  line="$name $pid $(process_start_ticks "$pid") $3 $4 $5"
  touch "$file"
  { grep -v "^$name " "$file" || true; printf '%s\n' "$line"; } >"$file.new"
  mv "$file.new" "$file"
}

# recorded_field NAME FIELD: one field of NAME's line (pid, start,
# address, cluster or log).
recorded_field() {
  local name pid start address cluster log_file
  while read -r name pid start address cluster log_file; do
    [[ $name == "$1" ]] || continue
    case $2 in
      pid) printf '%s\n' "$pid" ;;
      start) printf '%s\n' "$start" ;;
      address) printf '%s\n' "$address" ;;
      cluster) printf '%s\n' "$cluster" ;;
      log) printf '%s\n' "$log_file" ;;
    esac
    return 0
  done <"$state_dir/processes"
  return 1
}

# True when NAME's recorded process still runs (the same process, by its
# start time).
recorded_process_running() {
  local pid start
  pid=$(recorded_field "$1" pid) && start=$(recorded_field "$1" start) \
    || return 1
  process_running "$pid" && [[ $(process_start_ticks "$pid") == "$start" ]]
}

# stop_recorded NAME...: SIGTERM to each that runs, then waits for all of
# them; SIGKILL for those still there after stop_timeout_s.
stop_recorded() {
  local name running=()
  for name in "$@"; do
    if recorded_process_running "$name"; then
      kill -TERM "$(recorded_field "$name" pid)" 2>/dev/null || true
      running+=("$name")
    fi
  done
  local deadline=$((SECONDS + stop_timeout_s)) left
  while ((${#running[@]} > 0)); do
    left=()
    for name in "${running[@]}"; do
      recorded_process_running "$name" && left+=("$name")
    done
    running=("${left[@]+"${left[@]}"}")
    ((${#running[@]} > 0)) || break
    if ((SECONDS >= deadline)); then
      for name in "${running[@]}"; do
        log "$name ignored SIGTERM for ${stop_timeout_s} s; killing it"
        kill -KILL "$(recorded_field "$name" pid)" 2>/dev/null || true
      done
      break
    fi
    sleep 0.1
  done
}

# wait_for_line PID FILE TEXT SECONDS: true once a line of FILE starts with
# TEXT; false when the process ends or SECONDS pass first.
wait_for_line() {
  local pid=$1 file=$2 text=$3 deadline=$((SECONDS + $4))
  until grep -q "^$text" "$file" 2>/dev/null; do
    if ! process_running "$pid" || ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.1
  done
}
