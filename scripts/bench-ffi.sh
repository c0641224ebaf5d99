#!/usr/bin/env bash
# FFI cost of the Kotlin bindings: mean µs per call of today() with 500 visits on today's list,
# and of recording a visit (planVisit + completeVisit), from Kotlin through JNA on the real
# library (android/doorstep-kotlin/src/test/kotlin/app/doorstep/kotlin/FfiCostBench.kt).
# Then runs bindings/benches/ffi_cost.rs (the same calls from Rust on the same data) and prints
# the Kotlin/Rust ratios.
# Usage: scripts/bench-ffi.sh [--debug]     (default: release library)
#   BENCH_TODAY (default 50), BENCH_RECORD (default 200), BENCH_WARMUP (default 50) iterations;
#   BENCH_KOTLIN_ONLY=1 skips the Rust side.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
module="android/doorstep-kotlin"

profile=release
[ "${1:-}" = "--debug" ] && profile=debug
profile_flag=()
[ "$profile" = release ] && profile_flag=(--release)

# The generated bindings and the test classes (skipping the tests themselves and the server).
mvn -q -B -f "$module/pom.xml" test-compile -DskipTests
cargo build --locked -q -p doorstep-ffi "${profile_flag[@]}"
cp_file="$module/target/bench-classpath.txt"
mvn -q -B -f "$module/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/$cp_file" >/dev/null
classpath="$module/target/classes:$module/target/test-classes:$(cat "$cp_file")"

kotlin_out=$(java -cp "$classpath" \
  -Djna.library.path="$root/target/$profile" \
  -Dbench.today="${BENCH_TODAY:-50}" -Dbench.record="${BENCH_RECORD:-200}" -Dbench.warmup="${BENCH_WARMUP:-50}" \
  app.doorstep.kotlin.FfiCostBench)
echo "library profile: $profile"
echo "$kotlin_out"

if [ -f bindings/benches/ffi_cost.rs ] && [ -z "${BENCH_KOTLIN_ONLY:-}" ]; then
  # cargo bench builds with the bench profile (release settings), whatever --debug says.
  rust_out=$(cargo bench --locked -q -p doorstep-ffi --bench ffi_cost 2>/dev/null | grep '^rust ')
  echo "$rust_out"
  if [ "$profile" = release ]; then
    for name in today_500 record_visit; do
      k=$(echo "$kotlin_out" | sed -n "s/^kotlin ${name}_us \([0-9.]*\)$/\1/p")
      r=$(echo "$rust_out" | sed -n "s/^rust ${name}_us \([0-9.]*\)$/\1/p")
      if [ -n "$k" ] && [ -n "$r" ]; then
        awk -v k="$k" -v r="$r" -v n="$name" \
          'BEGIN { printf "ratio %s: kotlin/rust %.2f (FFI and JVM overhead %.1f us per call)\n", n, k / r, k - r }'
      fi
    done
  fi
fi
