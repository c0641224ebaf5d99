//! The Kotlin and Swift bindings generate cleanly from the current API, through the same script
//! the apps' builds use. (The Kotlin is then compiled and tested on the JVM by the Maven module in
//! `android/doorstep-kotlin`; Swift cannot be compiled on this machine.)

use std::path::Path;
use std::process::Command;

#[test]
fn kotlin_and_swift_bindings_generate_from_the_built_library() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(root.join("scripts/generate-bindings.sh"))
        .arg(out.path())
        .env("CARGO", env!("CARGO"))
        .status()
        .expect("run scripts/generate-bindings.sh");
    assert!(status.success(), "generation failed: {status}");

    let kotlin =
        std::fs::read_to_string(out.path().join("kotlin/app/doorstep/ffi/doorstep_ffi.kt"))
            .unwrap();
    for expected in [
        "open class DoorstepStore",
        "public interface KeyProvider",
        "public interface Transport",
        "public interface SyncObserver",
        "sealed class DoorstepException",
        "class ValidationFailed",
        "sealed class PlatformException",
        "data class TodayView",
        "data class VisitForm",
        "enum class Rag",
    ] {
        assert!(kotlin.contains(expected), "Kotlin lacks {expected}");
    }
    let swift = std::fs::read_to_string(out.path().join("swift/DoorstepFFI.swift")).unwrap();
    for expected in [
        "open class DoorstepStore",
        "public protocol KeyProvider",
        "public protocol Transport",
        "enum DoorstepError: Swift.Error",
        "public struct TodayView",
        "public enum Rag",
    ] {
        assert!(swift.contains(expected), "Swift lacks {expected}");
    }
    assert!(out.path().join("swift/DoorstepFFIFFI.h").is_file());
    assert!(out.path().join("swift/DoorstepFFIFFI.modulemap").is_file());
}
