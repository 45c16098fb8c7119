# Debian package installation shared by ./dev and deploy/local-cluster.
# Sourced; uses the caller's log function.
# shellcheck shell=bash

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs those of the given Debian packages that are missing. One
# dpkg-query for all of them keeps the all-present case fast.
install_missing_packages() {
  if ! command -v dpkg-query >/dev/null; then
    log "no dpkg-query: not a Debian system, skipping package installation"
    return 0
  fi
  # Unknown packages make dpkg-query fail, which only means they are missing.
  local installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" \
                2>/dev/null | awk '$NF == "installed" { print $1 }' || true)
  local missing=() package
  for package in "$@"; do
    grep -qxF "$package" <<<"$installed" || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}
