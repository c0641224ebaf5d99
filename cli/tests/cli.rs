//! End-to-end tests: the real `doorstep` binary against real stores in temporary directories.
//! Every invocation derives the key with PBKDF2, so the tests keep their invocations few.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASS: &str = "correct horse battery staple";

fn doorstep(store: &Path, pass: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    cmd.arg("--store")
        .arg(store)
        .args(args)
        .env_remove("DOORSTEP_STORE")
        .env_remove("DOORSTEP_PASSPHRASE")
        .env_remove("DOORSTEP_NEW_PASSPHRASE")
        .env("COLUMNS", "160")
        .stdin(Stdio::null());
    if let Some(p) = pass {
        cmd.env("DOORSTEP_PASSPHRASE", p);
    }
    cmd.output().expect("run doorstep")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects success.
fn ok(store: &Path, args: &[&str]) -> String {
    let o = doorstep(store, Some(PASS), args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}\n{}",
        stderr(&o),
        stdout(&o)
    );
    stdout(&o)
}

/// Runs with `--json` and parses the output.
fn json(store: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(store, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} printed bad JSON ({e}): {out}"))
}

/// Expects failure with exactly one line on stderr, which is returned.
fn fails(o: &Output) -> String {
    assert!(!o.status.success(), "expected failure, got: {}", stdout(o));
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line, got: {err:?}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    lines[0].to_string()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

fn today() -> String {
    // Any date will do: the tests always pass this same date to both `--at` and `--date`.
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn init(store: &Path) {
    ok(
        store,
        &[
            "init",
            "--name",
            "Pat Tester",
            "--agency",
            "health_visiting",
            "--team",
            "Test Team",
        ],
    );
}

/// A store with a household (mother, known adult, child) and an open case. Returns (child, adult, case).
fn caseload(store: &Path) -> (String, String, String) {
    init(store);
    let h = id(&json(
        store,
        &[
            "household",
            "add",
            "--address",
            "1 Test Street",
            "--postcode",
            "DS1 1AA",
        ],
    ));
    let hp = &h[..8];
    json(
        store,
        &[
            "person",
            "add",
            "--household",
            hp,
            "--role",
            "parent_carer",
            "--name",
            "Mum Tester",
        ],
    );
    let adult = id(&json(
        store,
        &[
            "person",
            "add",
            "--household",
            hp,
            "--role",
            "known_adult",
            "--name",
            "Lodger Tester",
            "--relationship",
            "lodger",
        ],
    ));
    let child = id(&json(
        store,
        &[
            "person",
            "add",
            "--household",
            hp,
            "--role",
            "child",
            "--name",
            "Kid Tester",
            "--dob",
            "2023-05-01",
        ],
    ));
    let case = id(&json(
        store,
        &[
            "case",
            "open",
            "--child",
            &child[..8],
            "--plan",
            "child_protection",
            "--rag",
            "amber",
            "--reason",
            "Test opening reason",
        ],
    ));
    (child, adult, case)
}

#[test]
fn full_flow() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    let (child, adult, case) = caseload(s);

    // Human tables show short ids.
    let people = ok(s, &["case", "list"]);
    assert!(
        people.contains(&case[..8]) && !people.contains(&case),
        "{people}"
    );

    let at = format!("{} 12:00", today());
    let visit = id(&json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case[..6],
            "--kind",
            "announced_home",
            "--at",
            &at,
        ],
    ));
    let day = json(s, &["visit", "list", "--date", &today()]);
    assert_eq!(day.as_array().unwrap().len(), 1);
    assert_eq!(day[0]["visit"]["id"], visit.as_str());
    assert_eq!(day[0]["child"]["name"], "Kid Tester");

    ok(s, &["visit", "start", &visit[..8]]);
    let done = json(
        s,
        &[
            "visit",
            "complete",
            &visit[..8],
            "--child-seen",
            "--seen-alone",
            "--spoken-alone",
            "--sleeping-area-seen",
            "--known-adult",
            &adult[..8],
            "--engagement",
            "good",
            "--concern",
            "Test concern",
            "--action",
            "Test action",
        ],
    );
    assert_eq!(done["visit"]["status"], "completed");
    let o = &done["visit"]["outcome"];
    assert_eq!(o["child_seen_alone"], true);
    assert_eq!(o["sleeping_area_seen"], true);
    assert_eq!(o["others_present"]["known_adults"][0], adult.as_str());
    assert_eq!(done["warnings"].as_array().unwrap().len(), 0);

    let note = id(&json(
        s,
        &[
            "note",
            "add",
            "--case",
            &case[..8],
            "--text",
            "Original text",
            "--significant",
        ],
    ));
    json(
        s,
        &["note", "amend", &note[..8], "--text", "Corrected text"],
    );
    let notes = json(s, &["note", "list", "--case", &case[..8]]);
    assert_eq!(notes[0]["original"]["text"], "Original text");
    assert_eq!(notes[0]["amendments"][0]["text"], "Corrected text");
    let human = ok(s, &["note", "list", "--case", &case[..8]]);
    assert!(human.contains("Original text") && human.contains("Corrected text"));

    ok(
        s,
        &[
            "case",
            "rag",
            &case[..8],
            "--rag",
            "red",
            "--reason",
            "Test escalation",
        ],
    );
    let chron = json(s, &["chronology", "--child", &child[..8]]);
    let kinds: Vec<&str> = chron
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "case_opened",
        "visit",
        "concern",
        "rag_change",
        "significant_note",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let only = json(
        s,
        &[
            "chronology",
            "--child",
            &child[..8],
            "--kind",
            "rag_change",
            "--from",
            "2000-01-01",
        ],
    );
    assert_eq!(only.as_array().unwrap().len(), 2);

    let report = json(s, &["verify"]);
    assert_eq!(report["database_ok"], true);
    assert_eq!(report["chain_breaks"].as_array().unwrap().len(), 0);
}

#[test]
fn virtual_visit_is_refused_without_who_else_was_present() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    let (_, _, case) = caseload(s);
    let at = format!("{} 12:00", today());
    let visit = id(&json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case,
            "--kind",
            "virtual",
            "--at",
            &at,
            "--minutes",
            "30",
            // A child protection plan needs face-to-face visits: a virtual one needs the reason.
            "--departure-reason",
            "Family isolating with flu",
        ],
    ));
    let o = doorstep(
        s,
        Some(PASS),
        &["visit", "complete", &visit[..8], "--child-seen"],
    );
    let line = fails(&o);
    assert!(line.contains("Record who else was in the home"), "{line}");

    let done = json(
        s,
        &[
            "visit",
            "complete",
            &visit[..8],
            "--child-seen",
            "--unknown-adults",
            "1",
            "--unknown-adult-description",
            "Voice off camera",
            "--adults-when-spoken-to",
            "3",
        ],
    );
    assert_eq!(done["visit"]["status"], "completed");
    assert_eq!(
        done["visit"]["outcome"]["others_present"]["unknown_adults"],
        1
    );
    // Three adults when the child was spoken to: saved, with a warning.
    assert_eq!(done["warnings"][0]["severity"], "warning");

    // Recording it again is refused, in one line.
    let o = doorstep(
        s,
        Some(PASS),
        &[
            "visit",
            "complete",
            &visit[..8],
            "--child-seen",
            "--nobody-else",
        ],
    );
    assert!(fails(&o).contains("already been recorded"));
}

#[test]
fn errors_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    init(s);

    let o = doorstep(s, Some("not the passphrase"), &["household", "list"]);
    assert!(fails(&o).contains("wrong passphrase"));

    let o = doorstep(s, None, &["household", "list"]);
    assert!(fails(&o).contains("DOORSTEP_PASSPHRASE"));

    let h = id(&json(
        s,
        &["household", "add", "--address", "2 Test Street"],
    ));
    let o = doorstep(
        s,
        Some(PASS),
        &[
            "person",
            "add",
            "--household",
            &h,
            "--role",
            "child",
            "--name",
            "Kid",
            "--dob",
            "2024-02-30",
        ],
    );
    let line = fails(&o);
    assert!(
        line.contains("--dob") && line.contains("YYYY-MM-DD"),
        "{line}"
    );
    assert!(
        !line.contains("2024-02-30") && !line.contains("Kid"),
        "{line}"
    );

    let o = doorstep(
        s,
        Some(PASS),
        &[
            "visit", "plan", "--case", "abcdef", "--kind", "virtual", "--at", "tomorrow",
        ],
    );
    assert!(fails(&o).contains("--at"));

    let o = doorstep(s, Some(PASS), &["case", "show", "ffffff"]);
    assert!(fails(&o).contains("no case with that id"));

    let o = doorstep(s, Some(PASS), &["case", "show", "fff"]);
    assert!(fails(&o).contains("too short"));

    let o = doorstep(s, Some(PASS), &["visit", "complete", "abcdef"]);
    assert!(fails(&o).contains("--child-seen"));

    let o = doorstep(
        &dir.path().join("nothing-here"),
        Some(PASS),
        &["household", "list"],
    );
    assert!(fails(&o).contains("no store at"));

    let o = doorstep(
        s,
        Some(PASS),
        &["init", "--name", "Again", "--agency", "gp"],
    );
    assert!(fails(&o).contains("already holds a store"));
}

#[test]
fn init_never_replaces_a_database_without_its_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    caseload(s);
    let db_before = std::fs::read(s.join("doorstep.db")).unwrap();
    // The keyring is lost (deleted, or not restored with the database).
    let keyring = std::fs::read(s.join("keyring.json")).unwrap();
    std::fs::remove_file(s.join("keyring.json")).unwrap();

    let o = doorstep(s, Some(PASS), &["household", "list"]);
    let line = fails(&o);
    assert!(
        line.contains("restore keyring.json") && !line.contains("doorstep init`)"),
        "{line}"
    );
    let o = doorstep(s, Some(PASS), &["init", "--name", "New", "--agency", "gp"]);
    let line = fails(&o);
    assert!(
        line.contains("doorstep.db")
            && line.contains("without its keyring")
            && line.contains("restore keyring.json")
            && line.contains("--destroy-existing")
            && line.contains("Nothing was changed"),
        "{line}"
    );
    assert_eq!(std::fs::read(s.join("doorstep.db")).unwrap(), db_before);

    // Restoring the keyring brings every record back.
    std::fs::write(s.join("keyring.json"), &keyring).unwrap();
    let households = json(s, &["household", "list"]);
    assert_eq!(households.as_array().map(Vec::len), Some(1), "{households}");

    // Only the explicit flag destroys, and a store in its place is new and empty.
    std::fs::remove_file(s.join("keyring.json")).unwrap();
    ok(
        s,
        &[
            "init",
            "--name",
            "New",
            "--agency",
            "gp",
            "--destroy-existing",
        ],
    );
    assert_eq!(json(s, &["household", "list"]), serde_json::json!([]));
}

#[cfg(unix)]
#[test]
fn the_store_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("a").join("store");
    caseload(s);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(s), 0o700, "the store directory");
    let mut files = 0;
    for entry in std::fs::read_dir(s).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    // The keyring and the database at least (the write-ahead log goes when the last process
    // closes the database).
    assert!(files >= 2, "{files} files");
}

#[test]
fn passwd_and_wipe() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    init(s);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    let o = cmd
        .arg("--store")
        .arg(s)
        .arg("passwd")
        .env_remove("DOORSTEP_STORE")
        .env("DOORSTEP_PASSPHRASE", PASS)
        .env("DOORSTEP_NEW_PASSPHRASE", "a brand new passphrase")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = doorstep(s, Some(PASS), &["verify"]);
    assert!(fails(&o).contains("wrong passphrase"));
    let o = doorstep(s, Some("a brand new passphrase"), &["verify"]);
    assert!(o.status.success());

    let o = doorstep(s, None, &["wipe"]);
    assert!(fails(&o).contains("--yes"));
    let o = doorstep(s, None, &["wipe", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!s.join("keyring.json").exists() && !s.join("doorstep.db").exists());
}

#[test]
fn demo_leaves_a_store_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("demo");
    let out = ok(s, &["demo"]);
    assert!(
        out.contains("REFUSED: Record who else was in the home"),
        "{out}"
    );
    assert!(out.contains("consecutive no-access or declined visits on this case: 2"));
    assert!(out.contains("Result: OK"));
    // Planning: the lone worker overdue stands out, then checks out; disengagement; due; plan.
    assert!(out.contains("!! LONE WORKER OVERDUE (AMBER)"), "{out}");
    assert!(out.contains("Lone-working alerts now: 0."), "{out}");
    // Alerts a practitioner can act on: a digest, only the problems the demo set up, each explained.
    assert!(
        out.contains("No one is monitoring check-ins: no one will be alerted automatically."),
        "{out}"
    );
    assert!(!out.contains("escalation follows"), "{out}");
    // Lone working on the server: the buddy's emails and the alarm-receiving centre's signed
    // webhooks arrive, naming no one in the family.
    assert!(
        out.contains("Subject: AMBER lone working: Jordan Ashby has not checked out"),
        "{out}"
    );
    assert!(out.contains("signature verified"), "{out}");
    assert!(out.contains("3 emails and 2 signed webhooks"), "{out}");
    assert!(out.contains("alerts about any other child: 0."), "{out}");
    assert!(
        out.contains("[high] child not seen — Maisie Thorley"),
        "{out}"
    );
    assert!(out.contains("mandated contacts missed"), "{out}");
    assert!(
        out.contains("the 6-8 week and 9-12 month reviews were never done"),
        "{out}"
    );
    assert!(
        out.contains("[high] disengagement — Maisie Thorley"),
        "{out}"
    );
    assert!(out.contains("== 12. What the three featured children are due =="));
    assert!(out.contains("Every unannounced visit in the 4 weeks"));
    assert!(out.contains("WILL MISS THEIR DUE DATE: "), "{out}");
    // Sync: a reference server on loopback, two enrolled devices, offline work, a revoked phone.
    assert!(out.contains("== 16. 11:00 the case is shared with the health visitor"));
    assert!(out.contains("Concern: Little food in the house"), "{out}");
    assert!(
        out.contains("doorstep sync says: error: sync failed: the server could not be reached"),
        "{out}"
    );
    assert!(
        out.contains("Synced: sent 6, received 1, parked 0, remaining 0."),
        "{out}"
    );
    assert!(out.contains("Told the social worker by phone."), "{out}");
    assert!(out.contains("its records have been erased"), "{out}");
    // The family's copy of the morning's home visit, beside the store.
    assert!(out.contains("== 21. A copy for the family"), "{out}");
    let copy = std::fs::read(dir.path().join("demo-family-copy.pdf")).unwrap();
    assert!(copy.starts_with(b"%PDF-1.7"));
    assert!(!s.join("sync/health-visitor-phone/keyring.json").exists());
    assert!(s.join("sync/social-worker-phone/keyring.json").exists());
    let report = json(s, &["verify"]);
    assert_eq!(report["database_ok"], true);
    assert!(report["records_checked"].as_u64().unwrap() > 1000);
    let cases = json(s, &["case", "list"]);
    assert!(cases.as_array().unwrap().len() > 300);
    // A second demo refuses to overwrite the store.
    let o = doorstep(s, Some(PASS), &["demo"]);
    assert!(fails(&o).contains("already exists"));
}

#[test]
fn control_characters_are_shown_not_obeyed_and_kept_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    let (_, _, case) = caseload(s);
    let typed = "Seen\x1b[2J\x1b]0;owned\x07 in \rthe kitchen\u{202e}gnp.exe\x1b[8m";
    json(s, &["note", "add", "--case", &case[..8], "--text", typed]);
    let human = ok(s, &["note", "list", "--case", &case[..8]]);
    assert!(
        !human.contains('\x1b') && !human.contains('\r') && !human.contains('\u{202e}'),
        "{human:?}"
    );
    assert!(human.contains("␛[2J"), "{human}");
    // Kept as typed: the JSON output (escaped by JSON itself) gives the text back exactly.
    let notes = json(s, &["note", "list", "--case", &case[..8]]);
    assert_eq!(notes[0]["original"]["text"], typed);
    let raw = ok(s, &["--json", "note", "list", "--case", &case[..8]]);
    assert!(!raw.contains('\x1b'), "{raw:?}");
}

#[test]
fn verify_counts_and_prints_every_check_and_fails_on_a_deleted_record() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    caseload(s);
    let out = ok(s, &["verify"]);
    for line in [
        "Database integrity: ok",
        "Store digest",
        "Records authenticated:",
        "Queued changes authenticated:",
        "Note chain breaks: 0",
        "Problems found: 0",
        "Result: OK",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    // Someone with the file deletes the household.
    let c = rusqlite::Connection::open(s.join("doorstep.db")).unwrap();
    assert_eq!(
        c.execute("DELETE FROM records WHERE kind = 'household'", [])
            .unwrap(),
        1
    );
    drop(c);
    let o = doorstep(s, Some(PASS), &["verify"]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("MISMATCH") && out.contains("Problems found: 1"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("verification failed: 1 problem(s) found"),
        "{}",
        stderr(&o)
    );
    // The ordinary reads say so too.
    let o = doorstep(s, Some(PASS), &["household", "list"]);
    assert!(fails(&o).contains("failed authentication"));
}

#[test]
fn passwd_rotate_leaves_the_old_keyring_reading_nothing_written_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    init(s);
    ok(s, &["household", "add", "--address", "1 Before Row"]);
    let old_keyring = std::fs::read(s.join("keyring.json")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_doorstep"))
        .arg("--store")
        .arg(s)
        .args(["--json", "passwd", "--rotate"])
        .env_remove("DOORSTEP_STORE")
        .env("DOORSTEP_PASSPHRASE", PASS)
        .env("DOORSTEP_NEW_PASSPHRASE", "a rotated new passphrase")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["rotated"]["key_id"], 2, "{report}");
    let new = "a rotated new passphrase";
    let o = doorstep(
        s,
        Some(new),
        &["household", "add", "--address", "2 After Row"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = doorstep(s, Some(new), &["verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    // The old keyring with the old passphrase: nothing opens.
    std::fs::write(s.join("keyring.json"), &old_keyring).unwrap();
    let o = doorstep(s, Some(PASS), &["household", "list"]);
    let line = fails(&o);
    assert!(
        !line.contains("After Row") && !line.contains("Before Row"),
        "{line}"
    );
}
