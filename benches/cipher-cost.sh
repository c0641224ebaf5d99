#!/usr/bin/env bash
# What the cipher alone costs in benchmarks A and B: the product's paired ratios (store ÷ plaintext)
# and the unsealed twin's (the same code path with seal, open, digest and blind tags unkeyed,
# benches/twin), run alternately against the same plaintext baselines; their quotient is the
# product ÷ its twin on the same rows.
# Usage: benches/cipher-cost.sh [rounds]   (default 2; about 2 minutes a round once built)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOORSTEP_BENCH_CACHE="${DOORSTEP_BENCH_CACHE:-$PWD/target/tmp/doorstep-bench}"
mkdir -p "$DOORSTEP_BENCH_CACHE"
ROUNDS="${1:-2}"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
for _ in $(seq "$ROUNDS"); do
  # `zzz` matches no criterion benchmark: only the paired lines run.
  cargo bench -q -p doorstep-core --bench record_visit -- zzz 2>/dev/null | grep '^paired' | tee -a "$OUT"
  cargo bench -q -p doorstep-core --bench unlock_list -- zzz 2>/dev/null | grep '^paired' | tee -a "$OUT"
  cargo bench -q --manifest-path benches/twin/Cargo.toml --bench twin 2>/dev/null | grep '^paired' | tee -a "$OUT"
done
# Pair each product line with the twin line of the same variant that followed it.
awk '
  /^paired/ {
    variant = $2; sub(/:$/, "", variant)
    match($0, /median [0-9.]+/); ratio = substr($0, RSTART + 7, RLENGTH - 7)
    if ($0 ~ / unsealed twin /) { if (variant in product) printf "%s: product %.2f, twin %.2f -> product / twin %.2f (throughput %.2f)\n", variant, product[variant], ratio, product[variant] / ratio, ratio / product[variant] }
    else product[variant] = ratio
  }' "$OUT"
