//! Peak resident memory of this process, from `/proc/self/status` (Linux only).

/// A `kB` line of `/proc/self/status` (e.g. `VmHWM`, `VmRSS`), in kibibytes.
pub fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}
