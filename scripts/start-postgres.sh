#!/usr/bin/env bash
# Installs (if needed) and starts PostgreSQL from Debian's packages on 127.0.0.1, creates the test
# role and database, checks the role can log in over TCP, and prints the URL for
# DOORSTEP_TEST_POSTGRES_URL as the only line on stdout. Idempotent.
set -euo pipefail

start() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${version} main$"; then
    pg_createcluster "$version" main
  fi
  if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
    pg_ctlcluster "$version" main start
  fi
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
  for _ in $(seq 1 30); do
    su postgres -c "psql -p $port -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'doorstep'\"" | grep -q 1 \
    || su postgres -c "psql -p $port -qc \"CREATE ROLE doorstep LOGIN PASSWORD 'doorstep-test'\""
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'doorstep_test'\"" | grep -q 1 \
    || su postgres -c "createdb -p $port -O doorstep doorstep_test"
  PGPASSWORD=doorstep-test psql -h 127.0.0.1 -p "$port" -U doorstep -d doorstep_test -qtAc 'SELECT 1' | grep -q 1
}

# Diagnostics (apt, pg_ctlcluster warnings) go to stderr: callers capture stdout.
start >&2
port=$(pg_lsclusters -h | awk -v v="$(ls /usr/lib/postgresql | sort -n | tail -n 1)" '$1 == v && $2 == "main" {print $3}')
echo "postgres://doorstep:doorstep-test@127.0.0.1:${port}/doorstep_test"
