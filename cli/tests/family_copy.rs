//! `doorstep visit share / summary / copy-settings` in the real binary: the review is printed
//! before anything is produced, a script must confirm, a stale confirmation is refused, and the
//! chronology records the copy.

use std::path::Path;

mod common;
use common::*;

/// A completed home visit with a concern and an action, a known adult present, and a note.
/// Returns (visit id, note id, child id).
fn visited(s: &Path) -> (String, String, String) {
    ok(
        s,
        &["init", "--name", "Sam Patel", "--agency", "health_visiting"],
    );
    let h = id(&json(s, &["household", "add", "--address", "3 Copy Lane"]));
    let add = |role: &str, name: &str, extra: &[&str]| {
        let mut args = vec![
            "person",
            "add",
            "--household",
            &h[..8],
            "--role",
            role,
            "--name",
            name,
        ];
        args.extend_from_slice(extra);
        id(&json(s, &args))
    };
    add("parent_carer", "Jo Smith", &[]);
    let partner = add("known_adult", "Darren Cole", &[]);
    let child = add("child", "Amy Smith", &["--dob", "2025-12-02"]);
    let case = id(&json(
        s,
        &[
            "case",
            "open",
            "--child",
            &child,
            "--plan",
            "universal",
            "--rag",
            "green",
            "--reason",
            "new birth",
        ],
    ));
    let visit = id(&json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case,
            "--kind",
            "announced_home",
            "--at",
            "2026-11-20 10:00",
        ],
    ));
    ok(
        s,
        &[
            "visit",
            "complete",
            &visit,
            "--child-seen",
            "--sleeping-area-seen",
            "--known-adult",
            &partner,
            "--concern",
            "Amy's weight has dropped",
            "--action",
            "Weigh Amy again in two weeks",
        ],
    );
    let note = id(&json(
        s,
        &[
            "note",
            "add",
            "--case",
            &case,
            "--text",
            "Talked about solid food.",
        ],
    ));
    (visit, note, child)
}

#[test]
fn the_review_is_printed_and_a_script_must_confirm() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = &dir.path().join("store");
    let (visit, note, child) = visited(s);
    ok(
        s,
        &[
            "visit",
            "share",
            &visit,
            "--answer",
            "concerns",
            "--note",
            &note,
            "--action",
            "Book the 1-year review | Jo Smith | 2026-12-18",
        ],
    );
    ok(
        s,
        &[
            "visit",
            "copy-settings",
            "--contact",
            "01632 960 111",
            "--out-of-hours",
            "01632 960 999",
            "--complaints",
            "PALS, 01632 960 222",
        ],
    );

    // The review alone: what will be printed, and what is left out.
    let review = ok(s, &["visit", "summary", &visit]);
    assert!(review.contains("Amy's weight has dropped"), "{review}");
    assert!(review.contains("Talked about solid food."), "{review}");
    assert!(review.contains("Jo Smith: Book the 1-year review, by Friday 18 December 2026."));
    assert!(review.contains("Left out (not printed):"), "{review}");
    assert!(review.contains("Who else was present: about or naming another adult"));
    assert!(
        review.contains("Action agreed: Weigh Amy again in two weeks: not marked"),
        "{review}"
    );
    let fingerprint = review
        .lines()
        .find_map(|l| l.strip_prefix("Fingerprint: "))
        .expect("a fingerprint")
        .to_string();

    // Without a terminal and without --yes nothing is produced.
    let pdf = dir.path().join("copy.pdf");
    let pdf_arg = pdf.to_str().unwrap_or("");
    let refused = fails(s, &["visit", "summary", &visit, "--out", pdf_arg]);
    assert!(refused.contains("not produced"), "{refused}");
    assert!(!pdf.exists());

    // A stale confirmation is refused: the marks changed after the review.
    ok(
        s,
        &[
            "visit",
            "share",
            &visit,
            "--answer",
            "concerns",
            "--answer",
            "actions_agreed",
        ],
    );
    let stale = fails(
        s,
        &[
            "visit",
            "summary",
            &visit,
            "--out",
            pdf_arg,
            "--confirm",
            &fingerprint,
        ],
    );
    assert!(stale.contains("changed since it was reviewed"), "{stale}");
    assert!(!pdf.exists());

    let done = ok(
        s,
        &[
            "visit",
            "summary",
            &visit,
            "--out",
            pdf_arg,
            "--large-print",
            "--yes",
        ],
    );
    assert!(done.contains("large print"), "{done}");
    let bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF-1.7"));

    let chronology = ok(
        s,
        &["chronology", "--child", &child, "--kind", "copy_given"],
    );
    assert!(
        chronology.contains("given to Jo Smith by Sam Patel"),
        "{chronology}"
    );
}
