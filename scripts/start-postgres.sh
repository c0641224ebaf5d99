#!/usr/bin/env bash
# Installs (if needed) and starts PostgreSQL from Debian's packages on 127.0.0.1, creates the test
# role and database, and prints the URL for DOORSTEP_TEST_POSTGRES_URL. Idempotent.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${version} main$"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'doorstep'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE doorstep LOGIN PASSWORD 'doorstep-test'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'doorstep_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O doorstep doorstep_test"
echo "postgres://doorstep:doorstep-test@127.0.0.1:5432/doorstep_test"
