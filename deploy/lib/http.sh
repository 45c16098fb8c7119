# Plain HTTP probes of loopback servers for deploy/local-cluster. Sourced.
# shellcheck shell=bash

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# http_get HOST:PORT PATH: prints "STATUS BODY" (the body on one line), or
# "- REASON" when there is no HTTP answer. Python's client needs no extra
# package and reads error bodies too; proxies from the environment are
# ignored, since these servers are on loopback.
http_get() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.error, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
url = "http://%s%s" % (sys.argv[1], sys.argv[2])
try:
    with opener.open(url, timeout=2) as response:
        status, body = response.status, response.read()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read()
except Exception as error:
    print("-", error)
    sys.exit(0)
print(status, body.decode("utf-8", "replace").replace("\n", " ").strip())
PY
}
