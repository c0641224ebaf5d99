#!/usr/bin/env bash
# Builds the Rust core for iOS and packages it for Swift Package Manager:
#   Frameworks/DoorstepFFIFFI.xcframework   static library + C header + module map
#                                           (device: aarch64-apple-ios;
#                                            simulator: aarch64-apple-ios-sim + x86_64-apple-ios, lipo'd)
#   Sources/DoorstepFFI/DoorstepFFI.swift   uniffi's Swift bindings, from the same build
# Neither is committed. Needs macOS with Xcode and rustup. Usage: ios/scripts/build-xcframework.sh
set -euo pipefail

ios="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ios/.." && pwd)" # the Cargo workspace
profile="mobile"              # [profile.mobile] in the workspace Cargo.toml
device="aarch64-apple-ios"
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
out="$ios/build"

export IPHONEOS_DEPLOYMENT_TARGET=17.0

rustup target add "$device" "${simulators[@]}"
cd "$root"
for target in "$device" "${simulators[@]}"; do
  cargo build --locked -p doorstep-ffi --profile "$profile" --target "$target"
done

rm -rf "$out"
mkdir -p "$out/headers" "$out/simulator" "$out/bindings"

# Bindings in library mode, from the device build of the same sources.
cargo run --locked -p uniffi-bindgen -- generate \
  --library "target/$device/$profile/libdoorstep_ffi.dylib" \
  --language swift --no-format --out-dir "$out/bindings"
cp "$out/bindings/DoorstepFFIFFI.h" "$out/headers/"
cp "$out/bindings/DoorstepFFIFFI.modulemap" "$out/headers/module.modulemap"

# One simulator library for both simulator architectures.
lipo -create \
  "target/${simulators[0]}/$profile/libdoorstep_ffi.a" \
  "target/${simulators[1]}/$profile/libdoorstep_ffi.a" \
  -output "$out/simulator/libdoorstep_ffi.a"

rm -rf "$ios/Frameworks/DoorstepFFIFFI.xcframework"
mkdir -p "$ios/Frameworks"
xcodebuild -create-xcframework \
  -library "target/$device/$profile/libdoorstep_ffi.a" -headers "$out/headers" \
  -library "$out/simulator/libdoorstep_ffi.a" -headers "$out/headers" \
  -output "$ios/Frameworks/DoorstepFFIFFI.xcframework"

cp "$out/bindings/DoorstepFFI.swift" "$ios/Sources/DoorstepFFI/DoorstepFFI.swift"
echo "xcframework: $ios/Frameworks/DoorstepFFIFFI.xcframework"
echo "bindings:    $ios/Sources/DoorstepFFI/DoorstepFFI.swift"
