//! kill -9 during sync: a writer process adds notes and syncs every few notes; it is killed with
//! SIGKILL at random moments (mid-write, mid-push, mid-pull), again and again, and restarted each
//! time. At the end a clean process syncs what is left, and the server must hold every
//! acknowledged note exactly once, no note twice, and the device must verify clean. Kills are
//! placed by the writer's lines (the moment a sync starts, or after a sync finished), not by time
//! alone, so a slow machine changes where they land, not whether some land inside a sync.

use doorstep_core::domain::Agency;
use doorstep_core::sync::protocol::Operation;
use doorstep_core::SystemClock;
use doorstep_server::db::{with_tx, Backend, SqliteBackend};
use doorstep_server::rate::RateLimits;
use doorstep_server::{admin, spawn_on_loopback, AppState, Config};
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::hexkey;
use doorstep_tests::rng::Rng;
use doorstep_tests::sync_env::{
    device_with_clock, quick, reopen, transport, DEVICE_KEY, SYNC_CASE_ENV, SYNC_RUN_ENV,
};
use doorstep_tests::sync_world::family;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// When to kill the writer: right after the n-th line starting with `line` (`SYNC`, `SYNCED`),
/// then `after` more (not time alone, so a slow machine changes where the kills land, not whether
/// they land in a sync or after one).
#[derive(Debug, Clone, Copy)]
struct KillAt {
    line: &'static str,
    n: usize,
    after: Duration,
}

/// Runs the writer until it is killed as `at` says; returns what it said.
fn run_writer(dir: &Path, case: &str, run: usize, seed: u64, at: KillAt) -> Said {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync_writer"))
        .arg(dir)
        .env(KEY_ENV, hexkey::encode(&DEVICE_KEY))
        .env(SYNC_CASE_ENV, case)
        .env(SYNC_RUN_ENV, run.to_string())
        .env("DOORSTEP_TEST_SEED", seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut said = Said::default();
        let mut r = BufReader::new(stdout);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                // A line cut by the kill (no newline) acknowledges nothing.
                Ok(_) if buf.last() == Some(&b'\n') => {
                    let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                    said.killed_mid_sync = line == "SYNC";
                    let _ = line_tx.send(line.clone());
                    if line == "SYNCED" {
                        said.synced += 1;
                    } else if line.starts_with("SYNCFAIL") {
                        said.sync_failed += 1;
                    } else if let Some(text) = line.strip_prefix("ACK ") {
                        said.acked.push(text.to_string());
                    }
                }
                Ok(_) => break,
            }
        }
        said
    });
    let mut seen = 0;
    while let Ok(line) = line_rx.recv() {
        if line == at.line {
            seen += 1;
            if seen >= at.n {
                break;
            }
        }
    }
    std::thread::sleep(at.after);
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("the writer stopped by itself ({status}): {err}");
    }
    child.kill().unwrap(); // SIGKILL
    assert!(!child.wait().unwrap().success());
    reader.join().unwrap()
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
        // Half the kills land the moment the 1st-5th sync starts (inside it: a sync is HTTP round
        // trips and fsyncs), half 0-50 ms after the 1st-5th sync finished (between notes, or in
        // the next sync).
        let at = if kills % 2 == 0 {
            KillAt {
                line: "SYNC",
                n: rng.range(1, 6) as usize,
                after: Duration::ZERO,
            }
        } else {
            KillAt {
                line: "SYNCED",
                n: rng.range(1, 6) as usize,
                after: Duration::from_millis(rng.range(0, 50)),
            }
        };
        let said = run_writer(&dir, &case.to_string(), kills, rng.next_u64(), at);
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
