//! Key rotation survives kill -9 at any point: a rotator process rotates the data key of a store
//! of a thousand records and kills itself with SIGKILL at a chosen fault point (after its new
//! keyring is saved, between batches, after the final re-seal, after the old key is forgotten,
//! and the same points inside the unlock that resumes an interrupted rotation). After every kill a clean process
//! unlocks the store (finishing any rotation), finds every record whole and `verify` clean, writes
//! a note — and a copy of the keyring from before the first rotation, with its key, reads nothing
//! written since.
//!
//! Nothing depends on speed: every kill lands at a named point (`kill_switch`).

use doorstep_core::domain::CaseId;
use doorstep_core::Store;
use doorstep_tests::durability::KEY_ENV;
use doorstep_tests::kill_switch::{self, KILL_AT_ENV};
use doorstep_tests::rng::Rng;
use doorstep_tests::sample::{self, Markers};
use doorstep_tests::{hexkey, stores};
use std::path::Path;
use std::process::{Command, Stdio};

const KEY: [u8; 32] = [0x42; 32];
const ROUNDS: usize = 24;
const NOTES: usize = 900;

/// Everything a reader sees of the store's content.
fn snapshot(s: &Store, case: CaseId) -> (usize, usize, Vec<String>) {
    let mut notes: Vec<String> = s
        .notes(case)
        .unwrap()
        .into_iter()
        .map(|t| t.original.text)
        .collect();
    notes.sort();
    (
        s.households().unwrap().len(),
        s.cases().unwrap().len(),
        notes,
    )
}

/// Runs the rotator, which kills itself at `kill_at` (see `kill_switch`); returns whether it
/// finished its rotation (the point was not reached) rather than being killed.
fn run_rotator(dir: &Path, kill_at: &str) -> bool {
    let child = Command::new(env!("CARGO_BIN_EXE_rotator"))
        .arg(dir)
        .env(KEY_ENV, hexkey::encode(&KEY))
        .env(KILL_AT_ENV, kill_at)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let done = String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.starts_with("DONE"));
    assert!(
        kill_switch::killed(&out.status) || (out.status.success() && done),
        "{kill_at}: the rotator neither finished nor was killed: {}",
        out.status
    );
    !kill_switch::killed(&out.status)
}

#[test]
fn a_rotation_killed_at_any_point_resumes_and_the_old_keyring_reads_nothing_afterwards() {
    let seed = Rng::seed_from_env_or_time();
    eprintln!("rotate_kill9 seed {seed} (set DOORSTEP_TEST_SEED to replay)");
    let mut rng = Rng::new(seed);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let m = Markers::new(&mut rng);
    let s = stores::create_with_key(&dir, KEY, m.practitioner()).unwrap();
    let x = sample::populate(&s, &m).unwrap();
    let case = x.cases[0];
    for i in 0..NOTES {
        s.add_note(case, &format!("note {i} before any rotation"), i % 7 == 0)
            .unwrap();
    }
    let before = snapshot(&s, case);
    drop(s);
    let original_keyring = std::fs::read(dir.join("keyring.json")).unwrap();
    let mut expected = before;
    let (mut finished, mut killed_inside, mut rotated) = (0, 0, 0);
    for round in 0..ROUNDS {
        // Every kill at a known point: after the resuming unlock (`ready`), right after the new
        // keyring is saved, after the k-th batch committed, after the final re-seal committed,
        // after the old key was forgotten. Points reached inside the unlock that resumes an
        // interrupted rotation count first, so those kills land inside the unlock. Round 1
        // always gets past a batch: from then on there is a rotated key.
        let kill_at = if round == 1 {
            "rotation.batch@1".to_string()
        } else {
            match rng.range(0, 5) {
                0 => "ready@1".to_string(),
                1 => "rotation.keyring_saved@1".to_string(),
                2 => format!("rotation.batch@{}", rng.range(1, 9)),
                3 => "rotation.resealed@1".to_string(),
                _ => "rotation.done@1".to_string(),
            }
        };
        let done = run_rotator(&dir, &kill_at);
        if done {
            finished += 1;
        } else {
            killed_inside += 1;
        }
        // A clean process finishes whatever was interrupted and finds everything.
        let s = stores::open_with_key(&dir, KEY).unwrap();
        let report = s.verify().unwrap();
        assert!(report.is_ok(), "round {round}: {report:?}");
        assert_eq!(snapshot(&s, case), expected, "round {round}");
        let text = format!("written after round {round}");
        s.add_note(case, &text, true).unwrap();
        expected.2.push(text.clone());
        expected.2.sort();
        drop(s);

        // Once a rotation has begun (its keyring written), the keyring from before the first
        // rotation, with its key, reads nothing written since.
        let keyring: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("keyring.json")).unwrap()).unwrap();
        if keyring["key_id"] == 1 {
            continue;
        }
        rotated += 1;
        let thief = tmp.path().join(format!("thief-{round}"));
        stores::copy_dir(&dir, &thief).unwrap();
        std::fs::write(thief.join("keyring.json"), &original_keyring).unwrap();
        let old = Store::open(&thief, stores::clock()).unwrap();
        let unlocked = old.unlock_with_provider(stores::provider(KEY));
        let read = old.notes(case);
        assert!(
            unlocked.is_err() && read.is_err(),
            "round {round}: the old keyring unlocked ({unlocked:?}) or read ({:?})",
            read.map(|t| t.len())
        );
        std::fs::remove_dir_all(&thief).unwrap();
    }
    eprintln!(
        "rotate_kill9: {ROUNDS} rounds, {finished} rotations finished before the kill, \
         {killed_inside} killed inside, {rotated} rounds checked against the old keyring"
    );
    // From round 1 on (killed after a batch line, so after its new keyring was written) the key
    // has been rotated at least once.
    assert!(rotated >= ROUNDS - 1, "{rotated}");
}
