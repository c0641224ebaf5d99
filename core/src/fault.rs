//! Fault-injection points for the kill -9 tests: named places in the store's durable steps (a
//! transaction about to commit, just committed; each step of a key rotation) where a test process
//! can stop itself dead, so that every kill lands at a known point instead of "a few
//! milliseconds later". Nothing happens unless a process installs a hook, which the product never
//! does; a point then costs one atomic load.

use std::sync::OnceLock;

/// A hook called with the name of every fault point reached.
pub type Hook = Box<dyn Fn(&'static str) + Send + Sync>;

static HOOK: OnceLock<Hook> = OnceLock::new();

/// Installs the process-wide hook (tests only; the first install wins). Returns whether it was
/// installed.
#[doc(hidden)]
pub fn install(hook: Hook) -> bool {
    HOOK.set(hook).is_ok()
}

/// A named fault point.
pub(crate) fn point(name: &'static str) {
    if let Some(h) = HOOK.get() {
        h(name);
    }
}
