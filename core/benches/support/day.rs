//! Benchmark B's work, shared by the product's bench and the unsealed twin's (`benches/twin`):
//! open + unlock + today's visits on the store against opening the plaintext database and its
//! one joined query, interleaved (see `paired`).

use super::{data, fixture, paired, plain};
use chrono::NaiveDate;
use doorstep_core::crypto::SoftwareKeyProvider;
use doorstep_core::domain::PractitionerId;
use doorstep_core::{FixedClock, Store};
use std::path::PathBuf;
use std::sync::Arc;

/// What benchmark B opens: both fixtures, the key provider, the clock and whose day it lists.
pub struct DayBench {
    /// The store fixture (the product's, or the twin's in its build).
    pub enc: PathBuf,
    /// The plaintext fixture.
    pub pln: PathBuf,
    /// The key provider the store was created with.
    pub provider: Arc<SoftwareKeyProvider>,
    /// The clock at 08:00 on the benchmark's "today".
    pub clock: Arc<FixedClock>,
    /// The benchmark's "today".
    pub today: NaiveDate,
    /// The practitioner whose visits are listed.
    pub practitioner: PractitionerId,
}

impl DayBench {
    /// The fixtures (built if not cached) and everything opening them needs.
    pub fn new() -> Self {
        let pln = fixture::plain("plain", None);
        let practitioner = {
            let conn = plain::open(&pln, None, plain::Sync::Full).unwrap();
            plain::practitioner_id(&conn).unwrap()
        };
        Self {
            enc: fixture::encrypted(),
            pln,
            provider: fixture::provider(),
            clock: fixture::clock(),
            today: data::today(),
            practitioner,
        }
    }

    /// B and its plaintext baseline, interleaved; prints the paired line and returns the median
    /// ratio (store ÷ plaintext).
    pub fn paired_open_unlock_today(&self) -> f64 {
        paired::compare(
            "open_unlock_today",
            41,
            20,
            &mut || {
                paired::time(|| {
                    let store = Store::open(&self.enc, self.clock.clone()).unwrap();
                    store.unlock_with_provider(self.provider.clone()).unwrap();
                    store.today().unwrap()
                })
            },
            &mut || {
                paired::time(|| {
                    let conn = plain::open(&self.pln, None, plain::Sync::Full).unwrap();
                    plain::day_list(&conn, self.practitioner, self.today).unwrap()
                })
            },
        )
    }
}
