//! kill -9 durability: a writer process performs user actions and acknowledges each one after the
//! core call returns; it is killed with SIGKILL at random moments, again and again, and after every
//! kill the store must hold every acknowledged action whole, verify clean, and hold no half action.
//!
//! Nothing asserted depends on the machine's speed: the working rounds are killed after a chosen
//! number of acknowledgements (plus a few random milliseconds, to land inside the next action),
//! not after a time, and the number of rounds is fixed.

use doorstep_core::domain::{Case, Visit, VisitStatus};
use doorstep_core::Store;
use doorstep_tests::durability::{concern_for, draft_text, parse_ack, Ack, KEY_ENV};
use doorstep_tests::rng::Rng;
use doorstep_tests::{hexkey, stores};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 60;
/// Kills per store: a fresh store every so often keeps the checks fast and kills creation more.
const ROUNDS_PER_STORE: usize = 20;

/// What a recovered store holds, by action kind.
#[derive(Default)]
struct Seen {
    households: HashSet<String>,
    people: HashSet<String>,
    cases: HashMap<String, Case>,
    visits: HashMap<String, Visit>,
    originals: HashSet<String>,
    amendments: HashSet<String>,
}

impl Seen {
    fn load(s: &Store) -> Self {
        let mut seen = Seen::default();
        for h in s.households().unwrap() {
            seen.households.insert(h.id.to_string());
            for p in s.people(h.id).unwrap() {
                assert_eq!(p.household_id, h.id);
                seen.people.insert(p.id.to_string());
            }
        }
        for c in s.cases().unwrap() {
            for v in s.visits_for_case(c.id).unwrap() {
                assert_eq!(v.case_id, c.id);
                seen.visits.insert(v.id.to_string(), v);
            }
            let mut chain = 0;
            for t in s.notes(c.id).unwrap() {
                assert!(t.original.amends.is_none());
                seen.originals.insert(t.original.id.to_string());
                chain += 1;
                for a in &t.amendments {
                    assert_eq!(a.amends, Some(t.original.id));
                    seen.amendments.insert(a.id.to_string());
                    chain += 1;
                }
            }
            let heads: u64 = c.notes_heads.values().map(|h| h.count).sum();
            assert_eq!(heads, chain, "the case's chain heads count its notes");
            seen.cases.insert(c.id.to_string(), c);
        }
        seen
    }

    /// How many of each acknowledged kind of action the store shows.
    fn count(&self, kind: &str) -> usize {
        let status = |st: VisitStatus| self.visits.values().filter(|v| v.status == st).count();
        match kind {
            "household" => self.households.len(),
            "person" => self.people.len(),
            "case" => self.cases.len(),
            "plan" => self.visits.len(),
            "complete" => status(VisitStatus::Completed),
            "noaccess" => status(VisitStatus::NoAccess),
            "note" => self.originals.len(),
            "amend" => self.amendments.len(),
            other => panic!("unknown action {other}"),
        }
    }
}

const KINDS: [&str; 8] = [
    "household",
    "person",
    "case",
    "plan",
    "complete",
    "noaccess",
    "note",
    "amend",
];

/// Checks the recovered store against every acknowledgement so far; returns how many actions the
/// store holds beyond those acknowledged (committed but killed before the ACK was printed).
fn check(dir: &Path, key: [u8; 32], acks: &[Ack]) -> usize {
    if !doorstep_core::store::exists(dir) {
        assert!(acks.is_empty(), "acknowledged actions but no store");
        return 0;
    }
    let s = stores::open_with_key(dir, key).expect("the store reopens after kill -9");
    let report = s.verify().unwrap();
    assert!(report.is_ok(), "verify after kill -9: {report:?}");
    let seen = Seen::load(&s);

    for a in acks {
        let present = match a.kind.as_str() {
            "household" => seen.households.contains(&a.id),
            "person" => seen.people.contains(&a.id),
            "case" => seen.cases.contains_key(&a.id),
            "plan" => seen.visits.contains_key(&a.id),
            "complete" => {
                let v = &seen.visits[&a.id];
                let o = v
                    .outcome
                    .as_ref()
                    .expect("a completed visit has its outcome");
                assert_eq!(v.status, VisitStatus::Completed);
                assert!(v.ended_at.is_some() && v.started_at.is_some());
                assert!(o.child_seen && o.child_seen_alone && o.sleeping_area_seen);
                assert_eq!(o.concerns, vec![concern_for(v.id)]);
                true
            }
            "noaccess" => {
                let v = &seen.visits[&a.id];
                v.status == VisitStatus::NoAccess && v.unsuccessful.is_some()
            }
            "note" => seen.originals.contains(&a.id),
            "amend" => seen.amendments.contains(&a.id),
            // Checked by `check_drafts`: a later action may discard it.
            "draft" => true,
            other => panic!("unknown action {other}"),
        };
        assert!(present, "acknowledged {a:?} is missing after kill -9");
    }

    // No half-written action: each visit's record is consistent with its status, and each case's
    // no-access count is exactly the no-access visits ended since its last completed visit.
    for v in seen.visits.values() {
        match v.status {
            VisitStatus::Planned => assert!(v.outcome.is_none() && v.ended_at.is_none()),
            VisitStatus::Completed => assert!(v.outcome.is_some() && v.unsuccessful.is_none()),
            VisitStatus::NoAccess => assert!(v.unsuccessful.is_some() && v.outcome.is_none()),
            other => panic!("the writer never leaves a visit {other:?}"),
        }
    }
    for c in seen.cases.values() {
        let mut ended: Vec<&Visit> = seen
            .visits
            .values()
            .filter(|v| v.case_id == c.id && v.ended_at.is_some())
            .collect();
        ended.sort_by_key(|v| v.ended_at);
        let trailing = ended
            .iter()
            .rev()
            .take_while(|v| v.status == VisitStatus::NoAccess)
            .count();
        assert_eq!(
            c.consecutive_no_access as usize, trailing,
            "case {} no-access count does not match its visits",
            c.id
        );
    }

    check_drafts(&s, &seen, acks);

    // Nothing acknowledged twice, nothing lost, and at most the unacknowledged extra.
    let mut excess = 0;
    for kind in KINDS {
        let acked: HashSet<&str> = acks
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.id.as_str())
            .collect();
        let n = seen.count(kind);
        assert!(
            n >= acked.len(),
            "{kind}: {n} in store < {} acked",
            acked.len()
        );
        excess += n - acked.len();
    }
    excess
}

/// Every visit still open holds the last draft acknowledged for it (or a later one the kill
/// interrupted after its commit); every visit recorded holds none (recording discards it in the
/// same transaction).
fn check_drafts(s: &Store, seen: &Seen, acks: &[Ack]) {
    let mut drafted: HashMap<&str, Vec<u64>> = HashMap::new();
    for a in acks.iter().filter(|a| a.kind == "draft") {
        let (visit, token) = a.id.split_once(':').expect("draft ack is <visit>:<token>");
        drafted
            .entry(visit)
            .or_default()
            .push(token.parse().expect("draft token"));
    }
    for (id, v) in &seen.visits {
        let draft = s.draft(v.id).expect("a draft reads after kill -9");
        if !v.status.is_open() {
            assert!(
                draft.is_none(),
                "visit {id} was recorded but its draft is still there"
            );
            continue;
        }
        let Some(tokens) = drafted.get(id.as_str()) else {
            continue;
        };
        let draft = draft.unwrap_or_else(|| panic!("acknowledged draft of visit {id} lost"));
        let last = *tokens.last().expect("at least one token");
        let earlier: HashSet<String> = tokens[..tokens.len() - 1]
            .iter()
            .filter(|t| **t != last)
            .map(|t| draft_text(v.id, *t))
            .collect();
        let kept = draft.answers.concerns.first().expect("a draft's concern");
        assert!(
            *kept == draft_text(v.id, last) || !earlier.contains(kept),
            "visit {id}: an older draft came back after kill -9"
        );
    }
}

/// When to kill the writer.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after it was spawned (start-up, recovery, first transactions).
    AfterSpawn(Duration),
    /// This long after its `n`-th acknowledgement.
    AfterAcks(usize, Duration),
}

/// Runs the writer until it is killed; returns its complete output lines after `READY`.
fn run_writer(dir: &Path, key: [u8; 32], seed: u64, at: KillAt) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_durability_writer"))
        .arg(dir)
        .env(KEY_ENV, hexkey::encode(&key))
        .env("DOORSTEP_TEST_SEED", seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (acked_tx, acked_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut r = BufReader::new(stdout);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                // A line cut by the kill (no newline) is not an acknowledgement.
                Ok(_) if buf.last() == Some(&b'\n') => {
                    let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                    if line != "READY" {
                        lines.push(line);
                        let _ = acked_tx.send(lines.len());
                    }
                }
                Ok(_) => break,
            }
        }
        lines
    });
    match at {
        KillAt::AfterSpawn(d) => std::thread::sleep(d),
        KillAt::AfterAcks(n, d) => {
            // Until the n-th acknowledgement (or the writer's end, reported below).
            while let Ok(acked) = acked_rx.recv() {
                if acked >= n {
                    break;
                }
            }
            std::thread::sleep(d);
        }
    }
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
    let status = child.wait().unwrap();
    assert!(!status.success());
    reader.join().unwrap()
}

#[test]
fn acknowledged_actions_survive_kill_9_whole() {
    let seed = Rng::seed_from_env_or_time();
    eprintln!("kill9 seed {seed} (set DOORSTEP_TEST_SEED to replay)");
    let mut rng = Rng::new(seed);
    let key: [u8; 32] = rng.bytes(32).try_into().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut required_acks = 0;
    let mut acks: Vec<Ack> = Vec::new();
    let mut total_acks = 0;
    let mut kills = 0;
    let mut excess = 0;
    let mut total_excess = 0;
    let mut kinds: HashSet<String> = HashSet::new();
    while kills < ROUNDS {
        let dir = tmp
            .path()
            .join(format!("store-{}", kills / ROUNDS_PER_STORE));
        if kills % ROUNDS_PER_STORE == 0 {
            total_acks += acks.len();
            total_excess += excess;
            acks.clear();
            excess = 0;
        }
        // One round in four is killed 3-60 ms after spawning (start-up, recovery, the first
        // transactions: whatever it reached); the others after 5-30 acknowledged actions and
        // 0-3 ms more, inside the next action or between two.
        let at = if kills % 4 == 0 {
            KillAt::AfterSpawn(Duration::from_millis(rng.range(3, 60)))
        } else {
            let n = rng.range(5, 31) as usize;
            required_acks += n;
            KillAt::AfterAcks(n, Duration::from_micros(rng.range(0, 3000)))
        };
        let lines = run_writer(&dir, key, rng.next_u64(), at);
        kills += 1;
        let before = acks.len();
        for l in &lines {
            let a = parse_ack(l).unwrap_or_else(|| panic!("bad writer line {l:?}"));
            kinds.insert(a.kind.clone());
            acks.push(a);
        }
        if let KillAt::AfterAcks(n, _) = at {
            assert!(
                acks.len() - before >= n,
                "round {kills}: killed before {n} ACKs"
            );
        }
        let now = check(&dir, key, &acks);
        assert!(
            now <= excess + 1,
            "round {kills}: {} unacknowledged actions appeared (at most one can be in flight)",
            now - excess
        );
        // The in-flight action, if it was committed, is now part of the recovered state that the
        // next round builds on; it is not acknowledged, so it stays counted as excess.
        excess = now;
    }
    total_acks += acks.len();
    total_excess += excess;
    eprintln!(
        "kill9: {kills} kills, {total_acks} acknowledged actions, {total_excess} committed \
         unacknowledged, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // 45 working rounds of at least 5 acknowledged actions each.
    assert!(total_acks >= required_acks && required_acks >= 225);
    assert!(kinds.contains("draft"), "drafts were saved");
    assert_eq!(
        kinds.len(),
        KINDS.len() + 1,
        "every kind of action was exercised"
    );
}
