#!/usr/bin/env bash
# Runs every check and test of the project, as CI does. Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format"
cargo fmt --all -- --check

echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== tests"
cargo test --workspace --locked
