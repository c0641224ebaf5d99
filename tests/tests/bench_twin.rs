//! The unsealed benchmark twin (`benches/twin/`) compiles the core's sources as a separate crate
//! outside the workspace, so nothing in the test run builds it. These checks keep it honest
//! without building it: its manifest names the core's sources and dependencies. (That the
//! product's core is never the twin is asserted at compile time by the CLI and the FFI crate.)

use std::path::Path;

fn read(rel: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `[dependencies]` lines of a manifest: no comments, no blank lines, no optional ones (the
/// twin never enables the core's optional HTTP client).
fn dependencies(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains("optional = true"))
        .map(String::from)
        .collect()
}

#[test]
fn the_unsealed_twin_compiles_the_cores_sources_with_the_cores_dependencies() {
    let core = read("core/Cargo.toml");
    let twin = read("benches/twin/core-twin/Cargo.toml");
    assert!(
        twin.contains("path = \"../../../core/src/lib.rs\""),
        "the twin must compile core/src"
    );
    assert_eq!(
        dependencies(&twin),
        dependencies(&core),
        "benches/twin/core-twin/Cargo.toml must list the core's dependencies"
    );
    let build = read("benches/twin/core-twin/build.rs");
    assert!(build.contains("cargo::rustc-cfg=doorstep_unsealed_twin"));
}
