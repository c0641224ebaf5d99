// swift-tools-version: 5.10
//
// Doorstep for iOS: the Rust core as an XCFramework (scripts/build-xcframework.sh), the uniffi
// Swift bindings generated from it (copied into Sources/DoorstepFFI by the same script, never
// committed), and the `Doorstep` library — async/await over the store plus the platform
// adapters (Secure Enclave, URLSession, file protection). The SwiftUI app (DoorstepApp/) depends
// on this package.
import PackageDescription

let package = Package(
    name: "Doorstep",
    platforms: [.iOS(.v17)],
    products: [
        .library(name: "Doorstep", targets: ["Doorstep"]),
    ],
    targets: [
        // Static library + C header + module map, one slice per platform (device, simulator).
        .binaryTarget(name: "DoorstepFFIFFI", path: "Frameworks/DoorstepFFIFFI.xcframework"),
        // The generated DoorstepFFI.swift (uniffi). Generated, not committed.
        .target(name: "DoorstepFFI", dependencies: ["DoorstepFFIFFI"], path: "Sources/DoorstepFFI"),
        .target(name: "Doorstep", dependencies: ["DoorstepFFI"], path: "Sources/Doorstep"),
    ]
)
