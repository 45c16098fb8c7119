# A throwaway PostgreSQL server in a fresh directory under /tmp, for
# ./dev test, ./dev bench and deploy/local-cluster. Sourced; uses the
# caller's log and die and free_port (deploy/lib/ports.sh).
# shellcheck shell=bash

pg_bin=  # the server's bin directory (pg_bin_dir)
pg_dir=  # the running server's directory: data/, log, socket
pg_port= # its TCP port on 127.0.0.1
pg_user= # the account that owns pg_dir when we are root, else empty

# Runs a PostgreSQL tool as the user owning the data directory. The server
# refuses to run as root, so root hands it to the postgres account.
as_pg() {
  if [[ -n $pg_user ]]; then
    (cd "$pg_dir" && runuser -u "$pg_user" -- "$@")
  else
    "$@"
  fi
}

# PostgreSQL 15's server binaries (Debian 12), else the newest installed.
pg_bin_dir() {
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    printf '%s\n' /usr/lib/postgresql/15/bin
    return 0
  fi
  local newest
  newest=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin \
             2>/dev/null | sort -V | tail -n 1)
  [[ -n $newest ]] || die "no PostgreSQL server binaries in /usr/lib/postgresql"
  printf '%s\n' "$newest"
}

# Starts the server in a fresh directory, trusting every local connection;
# sets pg_dir and pg_port. pg_bin must be set.
start_postgres() {
  local bin=$pg_bin
  pg_dir=$(mktemp -d /tmp/parley-pg.XXXXXX)
  if [[ $EUID -eq 0 ]]; then
    pg_user=postgres
    chown "$pg_user:" "$pg_dir"
  fi
  as_pg "$bin/initdb" -D "$pg_dir/data" -A trust -E UTF8 --locale=C \
    >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; die "initdb failed"; }
  local attempt
  for attempt in 1 2 3 4 5; do
    pg_port=$(free_port)
    if as_pg "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
         -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" \
         start >/dev/null; then
      return 0
    fi
    log "PostgreSQL did not start on port $pg_port (attempt $attempt)"
  done
  cat "$pg_dir/log" >&2 || true
  die "could not start PostgreSQL"
}

# Stops the server started by start_postgres and removes its directory.
stop_postgres() {
  [[ -n $pg_dir ]] || return 0
  if [[ -f $pg_dir/data/postmaster.pid ]]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_dir"
  pg_dir=
}
