#!/usr/bin/env bash
# Runs every Doorstep benchmark side by side (see docs/PERFORMANCE.md): A (record a visit with its
# note), B (open + unlock + today's visits on a 50,000-note store, and the PBKDF2 unlock), C (peak
# memory), the same work through SQLCipher in its separate crate, and A and B on the unsealed twin
# of the core (benches/twin; see also benches/cipher-cost.sh). Takes about 8 minutes.
# Usage: benches/run.sh [criterion arguments]   (default: short warm-up and measurement)
set -euo pipefail
cd "$(dirname "$0")/.."

# One fixture cache for both crates, so every variant reads exactly the same records.
export DOORSTEP_BENCH_CACHE="${DOORSTEP_BENCH_CACHE:-$PWD/target/tmp/doorstep-bench}"
mkdir -p "$DOORSTEP_BENCH_CACHE"
if [ "$#" -gt 0 ]; then
  ARGS=("$@")
else
  ARGS=(--warm-up-time 1 --measurement-time 5 --sample-size 20 --noplot)
fi
LOG="$DOORSTEP_BENCH_CACHE/results-$(date -u +%Y%m%dT%H%M%SZ).txt"

{
  echo "== machine"
  date -u
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo
  grep -m1 MemTotal /proc/meminfo
  rustc --version

  echo "== A + record_visit (doorstep-core)"
  cargo bench -p doorstep-core --bench record_visit -- "${ARGS[@]}"
  echo "== B + unlock_list (doorstep-core)"
  cargo bench -p doorstep-core --bench unlock_list -- "${ARGS[@]}"
  echo "== breakdown: cost of one seal/open, blind tag, statement prepare (doorstep-core)"
  cargo bench -p doorstep-core --bench breakdown -- "${ARGS[@]}"
  echo "== C + peak_memory (doorstep-core)"
  cargo bench -p doorstep-core --bench peak_memory
  echo "== A + B through SQLCipher (benches/sqlcipher, its own workspace)"
  cargo bench --manifest-path benches/sqlcipher/Cargo.toml --bench sqlcipher -- "${ARGS[@]}"
  echo "== A + B on the unsealed twin (benches/twin, its own workspace): what the cipher alone costs"
  cargo bench --manifest-path benches/twin/Cargo.toml --bench twin
  echo "== fixture build times"
  cat "$DOORSTEP_BENCH_CACHE/fixture-build.txt"
} 2>&1 | tee "$LOG"
echo "results saved to $LOG"
