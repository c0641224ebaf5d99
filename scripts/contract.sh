#!/usr/bin/env bash
# The sync API's contract, tested: schemathesis (from PyPI, in a venv under target/) generates
# requests from docs/openapi.yaml against a live doorstep-server on SQLite and, when
# DOORSTEP_TEST_POSTGRES_URL is set, on PostgreSQL; once with a device's token and once without.
# Every check must pass: no server error, every answer as the spec describes it. The server runs
# with its per-client bursts raised (every generated request comes from one address; the limits
# themselves are tested in server/tests/limits.rs).
# Usage: ./scripts/contract.sh   (MAX_EXAMPLES=N to change the examples per operation, default 40)
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==3.39.16" "hypothesis==6.115.6"
fi
cargo build -q --locked -p doorstep-server
bin=target/debug/doorstep-server
examples=${MAX_EXAMPLES:-40}
work=$(mktemp -d)
server_pid=""
pg_schema=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_schema" ]; then
    psql "$DOORSTEP_TEST_POSTGRES_URL" -qc "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

run_backend() {
  local name=$1 db=$2
  local key="$work/$name.key"
  local admin=("$bin" --db "$db" --key-file "$key" admin)
  "${admin[@]}" init-key >/dev/null
  local team practitioner code port token
  team=$("${admin[@]}" add-team "Contract team")
  practitioner=$("${admin[@]}" add-practitioner --team "$team" --name "Contract Tester" --agency social_care)
  code=$("${admin[@]}" enrol-code --practitioner "$practitioner")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RUST_LOG=warn "$bin" --db "$db" --key-file "$key" serve --listen "127.0.0.1:$port" \
    --enrol-burst 100000 --auth-failure-burst 100000 >"$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  token=$(curl -fs -H 'content-type: application/json' -d "{\"code\":\"$code\"}" \
    "http://127.0.0.1:$port/v1/enrol" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  local common=(run docs/openapi.yaml --base-url "http://127.0.0.1:$port" --checks all
    --hypothesis-max-examples "$examples" --hypothesis-seed 12 --generation-with-security-parameters false
    --no-color)
  echo "-- $name, with a device token"
  "$venv/bin/schemathesis" "${common[@]}" -H "Authorization: Bearer $token"
  echo "-- $name, without a token"
  "$venv/bin/schemathesis" "${common[@]}"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

export SCHEMATHESIS_TELEMETRY=false
run_backend sqlite "$work/contract.db"
if [ -n "${DOORSTEP_TEST_POSTGRES_URL:-}" ]; then
  pg_schema="contract_$(python3 -c 'import uuid; print(uuid.uuid4().hex)')"
  psql "$DOORSTEP_TEST_POSTGRES_URL" -qc "CREATE SCHEMA $pg_schema" >/dev/null
  sep='?'
  case "$DOORSTEP_TEST_POSTGRES_URL" in *\?*) sep='&' ;; esac
  run_backend postgres "${DOORSTEP_TEST_POSTGRES_URL}${sep}options=-csearch_path%3D${pg_schema}"
fi
echo "contract: 0 server errors, 0 spec violations"
