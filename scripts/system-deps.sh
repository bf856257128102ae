#!/usr/bin/env bash
# Installs the Debian packages that the tests and the demo need, only when missing.
# Idempotent and quick (a few dpkg queries) when everything is present.
set -euo pipefail

packages=(influxdb postgresql-15 socat chromium mosquitto mosquitto-clients docker-compose openssl)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "system-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian's packages try to start services; ShelfWatch runs its own private instances.
for svc in influxdb postgresql mosquitto; do
  if command -v service >/dev/null 2>&1; then $SUDO service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "system-deps: done" >&2
