#!/usr/bin/env bash
# Runs every check and test of the project, as CI does. Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format"
cargo fmt --all -- --check

echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== PostgreSQL for the server's tests"
if [ -z "${DOORSTEP_TEST_POSTGRES_URL:-}" ]; then
  if url=$(./scripts/start-postgres.sh 2>/tmp/doorstep-postgres.log); then
    export DOORSTEP_TEST_POSTGRES_URL="$url"
  elif [ -n "${CI:-}" ]; then
    cat /tmp/doorstep-postgres.log >&2
    echo "CI needs PostgreSQL" >&2
    exit 1
  else
    echo "PostgreSQL could not be started here (needs root and Debian's packages): server tests run on SQLite only"
  fi
fi

echo "== tests"
cargo test --workspace --locked
