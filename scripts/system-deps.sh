#!/usr/bin/env bash
# Installs the system programs the test suite drives for real: PostgreSQL (started per test session by
# tests/conftest.py on loopback) and Debian's Chromium (driven by Playwright). Idempotent.
set -euo pipefail
need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing ${need[*]}; run 'sudo apt-get install ${need[*]}'" >&2
    exit 1
  fi
  echo "system-deps: installing ${need[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
