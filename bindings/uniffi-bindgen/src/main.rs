//! `uniffi-bindgen`: generates the Kotlin and Swift bindings from the built library (library mode).
//! Run through `scripts/generate-bindings.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
