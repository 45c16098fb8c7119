#!/usr/bin/env bash
# Stands in for the parley binary in node_process's own tests. It prints its
# arguments on stdout, then behaves as its flags ask:
#   --fail-with N   writes "asked to fail" on stderr and exits with N
#   --never-ready   never prints the ready line
#   --flood         writes 1 MiB on stderr before getting ready
#   --listen H:P    announces H:P (P=0 becomes 54321)
#   --admin-listen H:P  announces an admin listener on H:P (P=0 becomes
#                   54322); "off" announces none
# Once ready it runs until SIGTERM, on which it says "stopping" and exits 3.
set -euo pipefail
echo "args: $*"
listen=127.0.0.1:0
admin=off
never_ready=false
while (($# > 0)); do
  case $1 in
    --fail-with) echo "asked to fail" >&2; exit "$2" ;;
    --never-ready) never_ready=true ;;
    --flood) head -c 1048576 /dev/zero | tr '\0' x >&2 ;;
    --listen) listen=$2; shift ;;
    --admin-listen) admin=$2; shift ;;
  esac
  shift
done
trap 'echo stopping >&2; exit 3' TERM
if ! $never_ready; then
  [[ $admin == off ]] ||
    echo "parley admin listening on ${admin%:0}$([[ $admin == *:0 ]] && echo :54322)"
  echo "parley listening on ${listen%:0}$([[ $listen == *:0 ]] && echo :54321)"
fi
# Waiting on a background sleep lets the TERM trap run at once; the sleep
# gets no copy of the pipes, so they close as soon as this script ends.
while :; do
  sleep 1 </dev/null >/dev/null 2>&1 &
  wait $! || true
done
