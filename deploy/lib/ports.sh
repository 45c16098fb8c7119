# Free TCP ports on the loopback interface. Sourced by ./dev and
# deploy/local-cluster.
# shellcheck shell=bash

# Prints COUNT (default 1) distinct ports nobody listens on right now, one a
# line. All sockets stay bound until every port is chosen, so the ports
# differ from each other; a process may still take one before its user
# binds it, so callers retry on "address in use".
free_ports() {
  python3 - "${1:-1}" <<'PY'
import socket, sys
sockets = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
for s in sockets:
    print(s.getsockname()[1])
PY
}

free_port() { free_ports 1; }
