# Shared shell helpers for .ci/run and scripts/quickstart.sh (sourced, not run).

# apt-get install without starting any service the packages bring (policy-rc.d denies it).
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages: $* - install them as root: apt-get install $*" >&2
    return 1
  fi
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  echo "== apt-get install $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}

# influxd (InfluxDB 1.x) from Debian, unless already installed.
install_influxdb() {
  # The influx CLI (influxdb-client) is a client the /query tests run against the gateway.
  if command -v influxd >/dev/null && command -v influx >/dev/null; then
    return 0
  fi
  apt_install influxdb influxdb-client
  # Debian's package may still have started its service on a systemd machine: stop it, the
  # tests and the quickstart start their own servers.
  if command -v systemctl >/dev/null && systemctl is-active --quiet influxdb 2>/dev/null; then
    systemctl stop influxdb || true
  fi
}

# Azurite (Azure Blob emulator) from npm, pinned by tools/azurite/package-lock.json.
install_azurite() {
  if [ -x tools/azurite/node_modules/.bin/azurite-blob ] \
      && grep -q '"version": "3.37.0"' tools/azurite/node_modules/azurite/package.json 2>/dev/null; then
    return 0
  fi
  echo "== npm ci --prefix tools/azurite"
  npm ci --prefix tools/azurite --no-audit --no-fund
}
