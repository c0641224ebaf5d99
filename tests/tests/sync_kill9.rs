//! kill -9 during sync: a writer process adds notes and syncs every few notes; it is killed with
//! SIGKILL (mid-write, mid-push, mid-pull), again and again, and restarted each time. At the end a
//! clean process syncs what is left, and the server must hold every acknowledged note exactly
//! once, no note twice, and the device must verify clean. Every kill lands at a named point the
//! writer reaches (`kill_switch`: before a request leaves, after its answer arrives, after an
//! acknowledged note, around a transaction's commit), never "some milliseconds later", so a slow
//! machine changes nothing about where the kills land.

use doorstep_core::domain::Agency;
use doorstep_core::sync::protocol::Operation;
use doorstep_core::SystemClock;
use doorstep_server::db::{with_tx, Backend, SqliteBackend};
use doorstep_server::rate::RateLimits;
use doorstep_server::{admin, spawn_on_loopback, AppState, Config};
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::hexkey;
use doorstep_tests::kill_switch;
use doorstep_tests::rng::Rng;
use doorstep_tests::sync_env::{
    device_with_clock, quick, reopen, transport, DEVICE_KEY, SYNC_CASE_ENV, SYNC_RUN_ENV,
};
use doorstep_tests::sync_world::family;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const KILLS: usize = 160;

/// What one writer process said before it was killed.
#[derive(Default, Debug)]
struct Said {
    acked: Vec<String>,
    synced: usize,
    sync_failed: usize,
    /// Killed between `SYNC` and its answer: in the middle of a sync.
    killed_mid_sync: bool,
}

/// Runs the writer until it kills itself at `kill_at` (see `kill_switch`); returns what it said.
fn run_writer(dir: &Path, case: &str, run: usize, seed: u64, kill_at: &str) -> Said {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sync_writer"));
    cmd.arg(dir)
        .env(KEY_ENV, hexkey::encode(&DEVICE_KEY))
        .env(SYNC_CASE_ENV, case)
        .env(SYNC_RUN_ENV, run.to_string())
        .env("DOORSTEP_TEST_SEED", seed.to_string());
    let mut said = Said::default();
    for line in kill_switch::run_until_killed(cmd, kill_at) {
        said.killed_mid_sync = line == "SYNC";
        if line == "SYNCED" {
            said.synced += 1;
        } else if line.starts_with("SYNCFAIL") {
            said.sync_failed += 1;
        } else if let Some(text) = line.strip_prefix("ACK ") {
            said.acked.push(text.to_string());
        }
    }
    said
}

#[test]
fn notes_survive_kill_9_during_sync_and_arrive_exactly_once() {
    let seed = Rng::seed_from_env_or_time();
    eprintln!("seed {seed} (DOORSTEP_TEST_SEED replays it)");
    let mut rng = Rng::new(seed);
    let tmp = tempfile::tempdir().unwrap();
    let db: Arc<dyn Backend> = Arc::new(
        SqliteBackend::open(
            &tmp.path().join("server.db"),
            doorstep_server::seal::KeyRing::ephemeral().unwrap(),
        )
        .unwrap(),
    );
    db.migrate().unwrap();
    // Real time on both sides: the writer processes use the system clock.
    let config = Config {
        rate: RateLimits::generous(),
        ..Config::default()
    };
    let server =
        spawn_on_loopback(AppState::new(db.clone(), Arc::new(SystemClock), config)).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let team = admin::add_team(db.as_ref(), "Shropshire North").unwrap();
    let sw = admin::add_practitioner(db.as_ref(), &team, "Social Worker", Agency::SocialCare, now)
        .unwrap();
    let code = admin::issue_code(db.as_ref(), &sw, now, 3_600_000).unwrap();
    let dir = tmp.path().join("device");
    let case = {
        let s = device_with_clock(&dir, &server.url(), &code, Arc::new(SystemClock));
        let (_, case) = family(&s, 1, false);
        s.sync(&transport(), None, quick()).unwrap();
        case
    };

    let started = Instant::now();
    let mut acked: Vec<String> = Vec::new();
    let (mut kills, mut synced, mut sync_failed, mut mid_sync) = (0usize, 0usize, 0usize, 0usize);
    while kills < KILLS {
        // Every kill at a known point. Two in three inside a sync: as the k-th request of the
        // run is about to leave (the server never sees it), or once its answer has arrived and
        // before the device records it (the server has applied what the device will send
        // again). The rest between notes (after the k-th acknowledged note) or inside a note's
        // transaction, just before or just after its commit.
        let k = rng.range(1, 8);
        let kill_at = match kills % 6 {
            0 | 2 => format!("transport.before@{k}"),
            1 | 3 => format!("transport.after@{k}"),
            4 => format!("ack@{k}"),
            _ if rng.index(2) == 0 => format!("write.before_commit@{k}"),
            _ => format!("write.after_commit@{k}"),
        };
        // Inside a sync for the transport points, between notes after an acknowledgement; a
        // commit point may be a note's or one of a sync's own transactions.
        let inside_sync = if kill_at.starts_with("transport") {
            Some(true)
        } else if kill_at.starts_with("ack") {
            Some(false)
        } else {
            None
        };
        let said = run_writer(&dir, &case.to_string(), kills, rng.next_u64(), &kill_at);
        if let Some(inside) = inside_sync {
            assert_eq!(said.killed_mid_sync, inside, "{kill_at}");
        }
        kills += 1;
        synced += said.synced;
        sync_failed += said.sync_failed;
        mid_sync += usize::from(said.killed_mid_sync);
        acked.extend(said.acked);
    }
    let elapsed = started.elapsed();

    // A clean process (this one) opens the store and sends what is left.
    let s = reopen(&dir, DEVICE_KEY).unwrap();
    let report = s.verify().unwrap();
    assert!(report.is_ok(), "verify after {kills} kills: {report:?}");
    let r = s.sync(&transport(), None, quick()).unwrap();
    assert_eq!(r.progress.remaining, 0);
    assert_eq!(r.parked, 0, "{:?}", s.queue_status().unwrap().parked);
    assert!(s.queue_status().unwrap().parked.is_empty());

    let mut on_server: HashMap<String, usize> = HashMap::new();
    let rows = with_tx(db.as_ref(), |tx| {
        tx.query("SELECT id, fields FROM records WHERE kind = 'note'", &[])
    })
    .unwrap();
    for row in rows {
        let plain = db
            .sealer()
            .open(
                "records.fields",
                row[0].text().unwrap(),
                row[1].text().unwrap(),
            )
            .unwrap();
        let f: serde_json::Value = serde_json::from_str(&plain).unwrap();
        *on_server
            .entry(f["text"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for (text, n) in &on_server {
        assert_eq!(*n, 1, "a note is on the server {n} times");
        assert!(text.starts_with("run "), "unexpected note");
    }
    let mut unique = std::collections::HashSet::new();
    for text in &acked {
        assert!(unique.insert(text), "the writer acknowledged a text twice");
        assert_eq!(
            on_server.get(text),
            Some(&1),
            "an acknowledged note is not on the server once"
        );
    }
    // The device holds exactly what the server holds, and each note was logged once.
    let mut local: Vec<String> = s
        .notes(case)
        .unwrap()
        .into_iter()
        .map(|t| t.original.text)
        .collect();
    local.sort();
    let mut remote: Vec<String> = on_server.keys().cloned().collect();
    remote.sort();
    assert_eq!(local, remote);
    let logged: Vec<Operation> = with_tx(db.as_ref(), |tx| {
        tx.query("SELECT seq, op FROM changes", &[])
    })
    .unwrap()
    .iter()
    .map(|r| {
        let seq = r[0].int().unwrap().to_string();
        let plain = db
            .sealer()
            .open("changes.op", &seq, r[1].text().unwrap())
            .unwrap();
        serde_json::from_str(&plain).unwrap()
    })
    .collect();
    let mut per_note: HashMap<String, usize> = HashMap::new();
    for op in logged.iter().filter(|o| o.kind == "note") {
        *per_note.entry(op.record_id.to_string()).or_default() += 1;
    }
    assert!(per_note.values().all(|n| *n == 1), "a note logged twice");
    assert_eq!(per_note.len(), remote.len());
    let ops = with_tx(db.as_ref(), |tx| tx.query("SELECT count(*) FROM ops", &[])).unwrap()[0][0]
        .int()
        .unwrap();
    assert_eq!(ops as usize, logged.len(), "one log entry per operation");
    let report = s.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    eprintln!(
        "{kills} kills in {elapsed:?}: {} notes acknowledged, {} on the server, {synced} syncs \
         completed ({sync_failed} failed) before kills, {mid_sync} kills in the middle of a sync",
        acked.len(),
        remote.len()
    );
    assert!(synced > 0, "no sync ever completed before a kill");
    assert!(mid_sync > 0, "no kill landed in the middle of a sync");
}
