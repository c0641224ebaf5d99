//! Compiles the core's sources as the unsealed benchmark twin (see `Cargo.toml`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(doorstep_unsealed_twin)");
    println!("cargo::rustc-cfg=doorstep_unsealed_twin");
}
