# Renders deploy/haproxy/haproxy.cfg for servers at fixed addresses: the
# local cluster's HAProxy runs the same settings as the compose one. Sourced
# by deploy/local-cluster and by tests/deploy.
# shellcheck shell=bash

# render_haproxy_config TEMPLATE BIND_ADDRESS NAME=HOST:PORT...
# Prints TEMPLATE with its bind line replaced by BIND_ADDRESS and its server
# lines replaced by one per NAME=HOST:PORT (addresses, so they need neither
# resolvers nor init-addr). Fails when TEMPLATE has no server line.
render_haproxy_config() {
  local template=$1 bind=$2
  shift 2
  local servers='' server
  for server in "$@"; do
    servers+="  server ${server%%=*} ${server#*=}"$'\n'
  done
  printf '# Rendered from %s; edit that file, not this one.\n' "$template"
  awk -v bind="$bind" -v servers="$servers" '
    /^[ \t]*bind[ \t]/ { print "  bind " bind; next }
    /^[ \t]*server[ \t]/ {
      if (!done) { printf "%s", servers; done = 1 }
      next
    }
    { print }
    END { if (!done) exit 1 }
  ' "$template"
}
