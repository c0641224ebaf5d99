//! Sync benchmarks over real HTTP on loopback against a real database.
//!
//! 1. Push 10,000 operations (20 batches of 500, one device) and pull them with a second device of
//!    the same practitioner, against SQLite; compared with inserting the same rows straight through
//!    the `Backend` (one transaction per 500 rows into `records`, `ops` and `changes`, no HTTP, no
//!    auth, no merge).
//! 2. A load run: 1,000 enrolled devices across 100 practitioners, each pushing 5 operations then
//!    pulling once, driven by 32 client threads; throughput, latency, and lost or duplicated
//!    operations checked against the server's `ops` and `changes` tables. On SQLite, and on
//!    PostgreSQL when `DOORSTEP_TEST_POSTGRES_URL` is set (`scripts/start-postgres.sh`).
//!
//! Run with `cargo bench -p doorstep-server --bench sync_load` (append `-- push` or `-- load` for
//! one measurement only). Results: `docs/PERFORMANCE.md`.

mod sync_support;

use doorstep_core::sync::merge::{self, Stamps};
use doorstep_core::sync::protocol::{OpResult, Operation, PullResponse, PushResponse};
use doorstep_server::db::{with_tx, Val};
use doorstep_server::{auth, sync};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sync_support::*;

/// Operations in the push-and-pull measurement.
const TOTAL_OPS: usize = 10_000;
/// Operations per push (the protocol's maximum).
const BATCH: usize = 500;
/// Repetitions of measurement 1.
const REPS: usize = 3;
/// Devices in the load run.
const DEVICES: usize = 1_000;
/// Practitioners the devices belong to.
const PRACTITIONERS: usize = 100;
/// Client threads driving the load run.
const THREADS: usize = 32;
/// The load run stops starting new devices after this long.
const LOAD_DEADLINE: Duration = Duration::from_secs(240);
/// Attempts per request before a device gives up (a failed push is retried as a device would).
const ATTEMPTS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("sync_load: run with `cargo bench -p doorstep-server --bench sync_load`");
        return;
    }
    // An optional filter after `--bench`: `push` runs only measurement 1, `load` only measurement 2.
    let only = args.iter().find(|a| *a == "push" || *a == "load");
    if only.is_none_or(|o| o == "push") {
        push_pull_section();
    }
    if only.is_none_or(|o| o == "load") {
        load_section();
    }
}

/// Measurement 1, repeated [`REPS`] times, as a table.
fn push_pull_section() {
    println!("## 1. Push 10,000 operations (batches of {BATCH}) and pull them, SQLite\n");
    println!("| run | push ops/s (HTTP) | pull ops/s (HTTP) | push ops/s in-process (no HTTP/JSON) | raw insert ops/s | push / raw | push batch p50 / max ms |");
    println!("|---|---|---|---|---|---|---|");
    for rep in 1..=REPS {
        push_pull_vs_raw(rep);
    }
}

/// Measurement 2 on SQLite, and on PostgreSQL when configured, as a table.
fn load_section() {
    println!("\n## 2. Load: {DEVICES} devices, {PRACTITIONERS} practitioners, {THREADS} client threads\n");
    println!("| backend | devices done | wall s | requests/s | ops/s | push p50 / p99 ms | pull p50 / p99 ms | all p50 / p99 ms | retries | failed devices | lost | duplicated | echoed to own device |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    load("sqlite");
    if std::env::var(PG_ENV).is_ok() {
        load("postgres");
    } else {
        println!("| postgres | not run: {PG_ENV} not set | | | | | | | | | | | |");
    }
}

/// Measurement 1: push and pull over HTTP against the raw insert rate of the same rows.
fn push_pull_vs_raw(rep: usize) {
    let e = env("sqlite");
    let agent = agent();
    let p = e.practitioner();
    let (device_a, token_a) = e.enrol_http(&agent, &p);
    let (_, token_b) = e.enrol_http(&agent, &p);
    let mut gen = Ops::new(device_a, &p);
    let mut ops = Vec::with_capacity(TOTAL_OPS);
    while ops.len() < TOTAL_OPS {
        ops.extend(gen.family(11)); // 3 + 2 × 11 = 25 operations a family
    }
    ops.truncate(TOTAL_OPS);
    let bodies: Vec<String> = ops
        .chunks(BATCH)
        .map(|c| json!({ "ops": c }).to_string())
        .collect();

    // Push over HTTP, one batch after another as one device does.
    let mut batch_times = Vec::new();
    let started = Instant::now();
    let mut applied = 0;
    for body in &bodies {
        let t = Instant::now();
        let mut resp = agent
            .post(format!("{}/v1/push", e.server.url()))
            .header("Authorization", &format!("Bearer {token_a}"))
            .header("Content-Type", "application/json")
            .send(body.as_str())
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let r: PushResponse = resp.body_mut().read_json().unwrap();
        batch_times.push(t.elapsed());
        applied += r
            .results
            .iter()
            .filter(|r| matches!(r, OpResult::Applied { .. }))
            .count();
    }
    let push = started.elapsed();
    assert_eq!(applied, TOTAL_OPS, "every operation is applied");

    // Pull everything with the second device, 1,000 a page (the protocol's maximum).
    let started = Instant::now();
    let mut since = 0;
    let mut pulled = HashSet::new();
    loop {
        let mut resp = agent
            .get(format!(
                "{}/v1/changes?since={since}&limit=1000",
                e.server.url()
            ))
            .header("Authorization", &format!("Bearer {token_b}"))
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let page: PullResponse = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_json()
            .unwrap();
        pulled.extend(page.changes.iter().map(|c| c.op.op_id));
        since = page.next_cursor;
        if !page.more {
            break;
        }
    }
    let pull = started.elapsed();
    assert_eq!(
        pulled.len(),
        TOTAL_OPS,
        "the second device receives every operation"
    );
    assert!(ops.iter().all(|o| pulled.contains(&o.op_id)));

    let in_process = push_in_process(&ops, &p);
    let raw = raw_insert(&ops);
    batch_times.sort();
    let rate = |d: Duration| TOTAL_OPS as f64 / d.as_secs_f64();
    println!(
        "| {rep} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2}× | {:.1} / {:.1} |",
        rate(push),
        rate(pull),
        rate(in_process),
        rate(raw),
        raw.as_secs_f64() / push.as_secs_f64(),
        percentile_ms(&batch_times, 50),
        batch_times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
}

/// Runs the server's push logic (authenticate, deduplicate, authorise, merge, log) on `ops` in
/// process, one transaction per batch as the endpoint does, without HTTP or JSON; returns the time.
fn push_in_process(ops: &[Operation], author: &str) -> Duration {
    let e = env("sqlite");
    // The notes' author, under the same id in this fresh database.
    with_tx(e.db.as_ref(), |tx| {
        tx.exec(
            "INSERT INTO practitioners (id, team_id, name, agency, created_at) VALUES ($1, $2, $3, 'social_care', 0)",
            &[Val::from(author), Val::Text(e.team.clone()), Val::from(PRACTITIONER_NAME)],
        )
    })
    .unwrap();
    let token = e.enrol_as(author, ops[0].device_id);
    let started = Instant::now();
    for chunk in ops.chunks(BATCH) {
        let now = now_ms();
        let results = with_tx(e.db.as_ref(), |tx| {
            let who = auth::authenticate(tx, &token, now)?;
            sync::push_batch(tx, &who, chunk, now)
        })
        .unwrap();
        assert!(results
            .iter()
            .all(|r| matches!(r, OpResult::Applied { .. })));
    }
    started.elapsed()
}

/// The rows the server would write for `op`: record fields and stamps, and the operation itself,
/// as JSON (prepared before the clock starts).
struct RawRow {
    op: Operation,
    fields: String,
    stamps: String,
    body: String,
}

/// Inserts the rows for `ops` straight through the backend, one transaction per batch, into a
/// fresh SQLite database with the server's schema and settings, the sensitive columns sealed as the
/// server seals them; returns the time taken.
fn raw_insert(ops: &[Operation]) -> Duration {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite_db(tmp.path(), "raw.db");
    let rows: Vec<RawRow> = ops
        .iter()
        .map(|op| {
            let mut fields = BTreeMap::new();
            let mut stamps = Stamps::new();
            merge::apply(&op.kind, &mut fields, &mut stamps, &op.delta);
            RawRow {
                op: op.clone(),
                fields: serde_json::to_string(&fields).unwrap(),
                stamps: serde_json::to_string(&stamps).unwrap(),
                body: serde_json::to_string(op).unwrap(),
            }
        })
        .collect();
    let device = ops[0].device_id.to_string();
    let started = Instant::now();
    let mut seq = 0i64;
    for chunk in rows.chunks(BATCH) {
        with_tx(db.as_ref(), |tx| {
            for r in chunk {
                seq += 1;
                let case = Val::opt_text(r.op.case_id.map(|c| c.to_string()));
                // The columns sealed as the server stores them (sealing is storage, not protocol).
                let id = r.op.record_id.to_string();
                let sealer = tx.sealer().clone();
                let fields = sealer.seal("records.fields", &id, &r.fields)?;
                let stamps = sealer.seal("records.stamps", &id, &r.stamps)?;
                let body = sealer.seal("changes.op", &seq.to_string(), &r.body)?;
                tx.exec(
                    "INSERT INTO records (id, kind, household_id, case_id, parent_id, fields, stamps, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        Val::Text(id),
                        Val::Text(r.op.kind.clone()),
                        Val::Text(r.op.household_id.to_string()),
                        case.clone(),
                        Val::opt_text(r.op.parent_id.map(|p| p.to_string())),
                        Val::Text(fields),
                        Val::Text(stamps),
                        Val::Int(seq),
                    ],
                )?;
                tx.exec(
                    "INSERT INTO ops (op_id, device_id, seq, received_at) VALUES ($1, $2, $3, $4)",
                    &[
                        Val::Text(r.op.op_id.to_string()),
                        Val::Text(device.clone()),
                        Val::Int(seq),
                        Val::Int(0),
                    ],
                )?;
                tx.exec(
                    "INSERT INTO changes (seq, household_id, case_id, op) VALUES ($1, $2, $3, $4)",
                    &[
                        Val::Int(seq),
                        Val::Text(r.op.household_id.to_string()),
                        case,
                        Val::Text(body),
                    ],
                )?;
            }
            Ok(())
        })
        .unwrap();
    }
    started.elapsed()
}

/// One simulated device of the load run.
struct Device {
    token: String,
    ops: Vec<Operation>,
    /// Whether it sends its push a second time (as after a lost response).
    replay: bool,
}

/// What the client threads observed.
#[derive(Default)]
struct Observed {
    push: Vec<Duration>,
    pull: Vec<Duration>,
    retries: usize,
    failed_devices: usize,
    done: usize,
    /// Operations the server acknowledged (applied or duplicate).
    acked: HashSet<uuid::Uuid>,
    rejected: usize,
    echoed: usize,
    /// Operations of replayed pushes answered `duplicate`, and those applied again.
    replay_duplicate: usize,
    replay_applied: usize,
}

/// Sends a request until it gets a 200, as a device retries; `None` after [`ATTEMPTS`].
fn with_retries(
    obs: &mut Observed,
    mut send: impl FnMut() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Option<ureq::http::Response<ureq::Body>> {
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            obs.retries += 1;
            std::thread::sleep(Duration::from_millis(100 * attempt as u64));
        }
        if let Ok(resp) = send() {
            if resp.status().as_u16() == 200 {
                return Some(resp);
            }
        }
    }
    None
}

/// One device's session: push its operations, then pull once.
fn run_device(agent: &ureq::Agent, url: &str, d: &Device, obs: &mut Observed) {
    let auth = format!("Bearer {}", d.token);
    let body = json!({ "ops": d.ops }).to_string();
    let t = Instant::now();
    let Some(mut resp) = with_retries(obs, || {
        agent
            .post(format!("{url}/v1/push"))
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .send(body.as_str())
    }) else {
        obs.failed_devices += 1;
        return;
    };
    let Ok(r) = resp.body_mut().read_json::<PushResponse>() else {
        obs.failed_devices += 1;
        return;
    };
    obs.push.push(t.elapsed());
    for res in r.results {
        match res {
            OpResult::Applied { op_id, .. } | OpResult::Duplicate { op_id } => {
                obs.acked.insert(op_id);
            }
            OpResult::Rejected { .. } => obs.rejected += 1,
        }
    }
    if d.replay {
        let t = Instant::now();
        let again = with_retries(obs, || {
            agent
                .post(format!("{url}/v1/push"))
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .send(body.as_str())
        });
        if let Some(r) = again.and_then(|mut r| r.body_mut().read_json::<PushResponse>().ok()) {
            obs.push.push(t.elapsed());
            for res in r.results {
                match res {
                    OpResult::Duplicate { .. } => obs.replay_duplicate += 1,
                    OpResult::Applied { .. } => obs.replay_applied += 1,
                    OpResult::Rejected { .. } => obs.rejected += 1,
                }
            }
        }
    }
    let t = Instant::now();
    let Some(mut resp) = with_retries(obs, || {
        agent
            .get(format!("{url}/v1/changes?since=0&limit=500"))
            .header("Authorization", &auth)
            .call()
    }) else {
        obs.failed_devices += 1;
        return;
    };
    let Ok(page) = resp.body_mut().read_json::<PullResponse>() else {
        obs.failed_devices += 1;
        return;
    };
    obs.pull.push(t.elapsed());
    let seen: HashSet<_> = page.changes.iter().map(|c| c.op.op_id).collect();
    // No echo: the device gets back only the case, whose allocation the server rewrote.
    obs.echoed += d
        .ops
        .iter()
        .filter(|o| o.kind != "case" && seen.contains(&o.op_id))
        .count();
    obs.done += 1;
}

/// Measurement 2 on `backend`.
fn load(backend: &str) {
    let e = env(backend);
    let setup = Instant::now();
    let practitioners: Vec<String> = (0..PRACTITIONERS).map(|_| e.practitioner()).collect();
    let devices: Vec<Device> = (0..DEVICES)
        .map(|i| {
            let practitioner = &practitioners[i % PRACTITIONERS];
            let (id, token) = e.enrol_direct(practitioner);
            let mut gen = Ops::new(id, practitioner);
            Device {
                token,
                ops: gen.family(1), // household, child, case, visit, note
                replay: i % 10 == 0,
            }
        })
        .collect();
    eprintln!(
        "load/{backend}: enrolled {DEVICES} devices in {:.1} s (setup, not measured)",
        setup.elapsed().as_secs_f64()
    );
    let devices = Arc::new(devices);
    let next = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(Mutex::new(Observed::default()));
    let url = e.server.url();
    let started = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (devices, next, total, url) =
                (devices.clone(), next.clone(), total.clone(), url.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut obs = Observed::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= devices.len() || started.elapsed() > LOAD_DEADLINE {
                        break;
                    }
                    run_device(&agent, &url, &devices[i], &mut obs);
                }
                let mut t = total.lock().unwrap();
                t.push.extend(obs.push);
                t.pull.extend(obs.pull);
                t.retries += obs.retries;
                t.failed_devices += obs.failed_devices;
                t.done += obs.done;
                t.acked.extend(obs.acked);
                t.rejected += obs.rejected;
                t.echoed += obs.echoed;
                t.replay_duplicate += obs.replay_duplicate;
                t.replay_applied += obs.replay_applied;
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let wall = started.elapsed();
    let mut obs = std::mem::take(&mut *total.lock().unwrap());

    // Against the server's own tables: every acknowledged operation exactly once in `ops` and in
    // `changes`; nothing in `changes` that no device sent.
    let sent: HashSet<String> = devices
        .iter()
        .flat_map(|d| d.ops.iter().map(|o| o.op_id.to_string()))
        .collect();
    let in_ops: HashSet<String> = e.ops_ids().into_iter().collect();
    let mut in_changes: HashMap<String, usize> = HashMap::new();
    for id in e.change_op_ids() {
        *in_changes.entry(id).or_default() += 1;
    }
    let acked: HashSet<String> = obs.acked.iter().map(|u| u.to_string()).collect();
    let lost = acked
        .iter()
        .filter(|id| !in_ops.contains(*id) || !in_changes.contains_key(*id))
        .count();
    let duplicated = in_changes
        .values()
        .map(|n| n.saturating_sub(1))
        .sum::<usize>()
        + in_changes.keys().filter(|id| !sent.contains(*id)).count();
    let unacked_applied = in_ops.iter().filter(|id| !acked.contains(*id)).count();

    let requests = obs.push.len() + obs.pull.len();
    let ops_applied = in_ops.len();
    let mut all: Vec<Duration> = obs.push.iter().chain(obs.pull.iter()).copied().collect();
    obs.push.sort();
    obs.pull.sort();
    all.sort();
    println!(
        "| {backend} | {} of {DEVICES} | {:.2} | {:.0} | {:.0} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {} | {} | {lost} | {duplicated} | {} |",
        obs.done,
        wall.as_secs_f64(),
        requests as f64 / wall.as_secs_f64(),
        ops_applied as f64 / wall.as_secs_f64(),
        percentile_ms(&obs.push, 50),
        percentile_ms(&obs.push, 99),
        percentile_ms(&obs.pull, 50),
        percentile_ms(&obs.pull, 99),
        percentile_ms(&all, 50),
        percentile_ms(&all, 99),
        obs.retries,
        obs.failed_devices,
        obs.echoed,
    );
    eprintln!(
        "load/{backend}: {} operations acknowledged, {} rows in ops, {} rejected, {unacked_applied} applied without an acknowledgement; \
         replayed pushes (every 10th device): {} operations answered duplicate, {} applied again",
        obs.acked.len(),
        ops_applied,
        obs.rejected,
        obs.replay_duplicate,
        obs.replay_applied
    );
}
