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

echo "== API contract: schemathesis against a live server, SQLite and PostgreSQL, with and without a token"
./scripts/contract.sh

echo "== Kotlin layer and screens on the JVM (generated bindings, real library, real server; screens headless)"
# One Maven reactor (android/pom.xml): doorstep-kotlin, then doorstep-ui, whose tests tap through
# every screen over the real core and write PNGs to android/doorstep-ui/target/screenshots/.
# `clean` first: a class compiled from a source since changed or removed must not linger on the
# compile classpath (Kotlin then reports overloads that no longer exist).
mkdir -p target
log=target/kotlin-tests.log
if mvn -B -ntp -f android/pom.xml clean verify >"$log" 2>&1; then
  grep -E "Tests run:|BUILD|doorstep-kotlin:|doorstep-ui:|Reactor Summary|SUCCESS \[" "$log"
else
  tail -n 150 "$log"
  echo "Kotlin tests failed (full log: $log)" >&2
  exit 1
fi
