//! Deterministic kill -9 placement for the writer processes of the kill tests: the test names a
//! point and an occurrence in `DOORSTEP_TEST_KILL_AT` (`<point>@<n>`, e.g. `rotation.batch@2`,
//! `transport.after@3`); the process sends itself SIGKILL the `n`-th time it reaches that point —
//! a core fault point (`doorstep_core::fault`) or one of the writer's own (`hit`). Where a kill
//! lands then depends on the run's choices, never on the machine's speed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable naming the kill point.
pub const KILL_AT_ENV: &str = "DOORSTEP_TEST_KILL_AT";

struct Target {
    point: String,
    n: u64,
    seen: AtomicU64,
}

static TARGET: OnceLock<Option<Target>> = OnceLock::new();

fn target() -> &'static Option<Target> {
    TARGET.get_or_init(|| {
        let v = std::env::var(KILL_AT_ENV).ok()?;
        let (point, n) = v.split_once('@')?;
        Some(Target {
            point: point.to_string(),
            n: n.parse().ok()?,
            seen: AtomicU64::new(0),
        })
    })
}

/// Reads `DOORSTEP_TEST_KILL_AT` and installs the core's fault hook.
pub fn install_from_env() {
    if target().is_some() {
        doorstep_core::fault::install(Box::new(hit));
    }
}

/// A point of the writer's own (or the core's, through the hook): SIGKILL on the chosen
/// occurrence.
pub fn hit(name: &str) {
    if let Some(t) = target() {
        if t.point == name && t.seen.fetch_add(1, Ordering::SeqCst) + 1 == t.n {
            // SAFETY: raising a signal in this process has no memory-safety preconditions.
            unsafe {
                libc::raise(libc::SIGKILL);
            }
        }
    }
}

/// Whether a process ended by SIGKILL (the kill the test asked for).
pub fn killed(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(libc::SIGKILL)
}

/// Runs a writer (`cmd`, with its arguments and environment) that kills itself at `kill_at`,
/// waits for it, checks it was killed (not stopped by itself), and returns the complete lines it
/// printed: a line cut by the kill acknowledges nothing and is dropped.
pub fn run_until_killed(mut cmd: std::process::Command, kill_at: &str) -> Vec<String> {
    use std::process::Stdio;
    let out = cmd
        .env(KILL_AT_ENV, kill_at)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("{kill_at}: the writer did not start: {e}"));
    assert!(
        killed(&out.status),
        "{kill_at}: the writer stopped by itself ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_inclusive('\n')
        .map_while(|raw| raw.strip_suffix('\n'))
        .map(str::to_string)
        .collect()
}
