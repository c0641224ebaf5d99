//! Paired, interleaved timing of two sides of a comparison: rounds alternate a batch of the
//! encrypted side and a batch of the plaintext side (the order flipped every round), so that both
//! see the same machine load, and the report is the median of the per-round ratios. On a shared
//! virtual machine whose speed drifts from one second to the next, this is steadier than timing
//! one side for several seconds and then the other.

use std::time::{Duration, Instant};

/// One side of a comparison: runs one iteration and returns the time of its measured part.
pub type Side<'a> = &'a mut dyn FnMut() -> Duration;

/// Times `rounds` rounds of `batch` iterations of each side and prints one line:
/// per-iteration medians of both sides and the median, lowest and highest per-round ratio
/// (encrypted time ÷ plaintext time). Returns the median ratio.
pub fn compare(name: &str, rounds: usize, batch: usize, encrypted: Side, plaintext: Side) -> f64 {
    let mut enc = Vec::with_capacity(rounds);
    let mut pla = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    // One unmeasured round of each to warm caches.
    run(encrypted, batch);
    run(plaintext, batch);
    for round in 0..rounds {
        let (e, p) = if round % 2 == 0 {
            let e = run(encrypted, batch);
            (e, run(plaintext, batch))
        } else {
            let p = run(plaintext, batch);
            (run(encrypted, batch), p)
        };
        enc.push(e);
        pla.push(p);
        ratios.push(e / p);
    }
    let (me, mp, mr) = (median(&mut enc), median(&mut pla), median(&mut ratios));
    let lo = ratios.first().copied().unwrap_or(f64::NAN);
    let hi = ratios.last().copied().unwrap_or(f64::NAN);
    // The store side is the product's core, or its unsealed twin in `benches/twin`.
    let store = if doorstep_core::crypto::UNSEALED_BENCH_TWIN {
        "unsealed twin"
    } else {
        "encrypted"
    };
    println!(
        "paired {name}: {store} {:.1} µs, plaintext {:.1} µs per iteration (medians of {rounds} \
         rounds of {batch}); {store} ÷ plaintext: median {mr:.2}, range {lo:.2}–{hi:.2}; \
         throughput ratio {:.2}",
        me * 1e6,
        mp * 1e6,
        1.0 / mr
    );
    mr
}

/// Mean seconds per iteration over one batch.
fn run(side: Side, batch: usize) -> f64 {
    let mut measured = Duration::ZERO;
    for _ in 0..batch {
        measured += side();
    }
    measured.as_secs_f64() / batch as f64
}

/// Times one call of `f`.
pub fn time<R>(f: impl FnOnce() -> R) -> Duration {
    let started = Instant::now();
    std::hint::black_box(f());
    started.elapsed()
}

/// Sorts and returns the median.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
