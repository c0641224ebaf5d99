#!/usr/bin/env bash
# Builds the Doorstep library for this machine and generates its Kotlin and Swift bindings from
# it (uniffi library mode). Generated code is never committed.
# Usage: scripts/generate-bindings.sh [OUT_DIR] [--release]
#   OUT_DIR defaults to target/bindings; Kotlin goes to OUT_DIR/kotlin, Swift to OUT_DIR/swift.
set -euo pipefail
cd "$(dirname "$0")/.."

out="target/bindings"
profile="debug"
cargo_profile=()
for arg in "$@"; do
  case "$arg" in
    --release) profile="release"; cargo_profile=(--release) ;;
    *) out="$arg" ;;
  esac
done

if [ "$profile" = debug ]; then
  # One invocation: the library and the generator share one feature resolution, so their common
  # dependencies are built once.
  "${CARGO:-cargo}" build --locked -p doorstep-ffi -p uniffi-bindgen
else
  "${CARGO:-cargo}" build --locked -p doorstep-ffi "${cargo_profile[@]}"
  "${CARGO:-cargo}" build --locked -p uniffi-bindgen
fi
case "$(uname -s)" in
  Darwin) lib="target/$profile/libdoorstep_ffi.dylib" ;;
  *) lib="target/$profile/libdoorstep_ffi.so" ;;
esac

rm -rf "$out/kotlin" "$out/swift"
for language in kotlin swift; do
  target/debug/uniffi-bindgen generate --library "$lib" --language "$language" \
    --no-format --out-dir "$out/$language"
done
echo "library: $lib"
echo "bindings: $out/kotlin $out/swift"
