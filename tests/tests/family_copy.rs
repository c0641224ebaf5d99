//! The family's copy, read as a reader would: produced through the store, its text extracted with
//! poppler's `pdftotext` and its pages rendered with `pdftoppm`, asserting that what was shared
//! is there and nothing withheld is; the copy is sealed, recorded in the chronology, and produced
//! only as reviewed. One rendered page is kept under `target/family-copy/` for review.

use chrono::{NaiveDate, TimeZone, Utc};
use doorstep_core::domain::{
    ChronologyFilter, ChronologyKind, FamilyAction, FamilyShare, NewCase, NewHousehold, NewPerson,
    NewVisit, OthersPresent, PersonId, PersonRole, PlanType, Rag, ShareableAnswer, VisitId,
    VisitKind, VisitOutcome,
};
use doorstep_core::family::FamilyCopySettings;
use doorstep_core::{Store, StoreError};
use doorstep_tests::{scan, stores};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Family {
    store: Store,
    _dir: tempfile::TempDir,
    dir: PathBuf,
    visit: VisitId,
    mother: PersonId,
    partner: PersonId,
}

fn utc(m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0)
        .single()
        .unwrap_or_default()
}

/// A completed visit to Amy, with a partner present, an unannounced visit planned before the next
/// announced one, notes that may and may not be shared, and a RAG rating with its reason.
fn family() -> Family {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    let store = stores::create_with_key(
        &dir,
        [7; 32],
        stores::practitioner("Sam Patel", Some("North team")),
    )
    .expect("store");
    let h = store
        .add_household(NewHousehold {
            address: "14 Quarry Lane".into(),
            postcode: Some("ZZ1 4QL".into()),
            access_notes: Some("dog in the kitchen".into()),
        })
        .expect("household");
    let person = |role, name: &str, dob| {
        store
            .add_person(NewPerson {
                household_id: h.id,
                role,
                name: name.into(),
                date_of_birth: dob,
                expected_date: None,
                relationship: None,
            })
            .expect("person")
    };
    let child = person(
        PersonRole::Child,
        "Amy Smith",
        NaiveDate::from_ymd_opt(2025, 12, 2),
    );
    let mother = person(PersonRole::ParentCarer, "Jo Smith", None);
    let partner = person(PersonRole::KnownAdult, "Darren Cole", None);
    let case = store
        .open_case(NewCase {
            child_id: child.id,
            plan: PlanType::ChildInNeed,
            rag: Rag::Amber,
            rag_reason: "Missed two weigh-ins".into(),
            allocated_to: None,
        })
        .expect("case");
    let plan = |kind, at| {
        store
            .plan_visit(NewVisit {
                case_id: case.id,
                kind,
                planned_for: at,
                expected_minutes: 60,
                departure_reason: None,
            })
            .expect("visit")
    };
    let visit = plan(VisitKind::AnnouncedHome, utc(11, 20, 9, 0));
    plan(VisitKind::UnannouncedHome, utc(11, 23, 15, 30));
    plan(VisitKind::AnnouncedHome, utc(12, 1, 14, 0));
    store.start_visit(visit.id).expect("check in");
    store
        .complete_visit(
            visit.id,
            VisitOutcome {
                child_seen: true,
                child_seen_alone: true,
                child_spoken_to_alone: true,
                sleeping_area_seen: true,
                others_present: Some(OthersPresent {
                    known_adults: vec![partner.id],
                    unknown_adults: 0,
                    unknown_descriptions: Vec::new(),
                }),
                engagement: Some(doorstep_core::domain::Engagement::Partial),
                concerns: vec!["Amy's weight has dropped since October".into()],
                actions_agreed: vec!["Weigh Amy again in two weeks".into()],
                ..VisitOutcome::default()
            },
        )
        .expect("complete");
    Family {
        store,
        _dir: tmp,
        dir,
        visit: visit.id,
        mother: mother.id,
        partner: partner.id,
    }
}

/// A visit of the family's case still planned (not completed).
fn planned_visit(f: &Family) -> doorstep_core::domain::Visit {
    f.store
        .visits_for_case(f.store.visit(f.visit).expect("visit").case_id)
        .expect("visits")
        .into_iter()
        .find(|v| v.status.is_open())
        .expect("a planned visit")
}

fn mark(f: &Family) {
    let case = f.store.visit(f.visit).expect("visit").case_id;
    let shared = f
        .store
        .add_note(case, "Talked about starting solid food.", false)
        .expect("note");
    let smuggled = [
        "Darren says he stays most nights.",
        "RAG stays AMBER until the next weigh-in.",
        "Next: an unannounced visit next week.",
    ]
    .map(|t| f.store.add_note(case, t, false).expect("note").id);
    f.store
        .add_note(case, "Private: the flat was cold and damp.", false)
        .expect("note");
    let mut notes = vec![shared.id];
    notes.extend(smuggled);
    f.store
        .set_family_share(
            f.visit,
            FamilyShare {
                answers: vec![ShareableAnswer::Concerns, ShareableAnswer::ActionsAgreed],
                notes,
                actions: vec![FamilyAction {
                    what: "Book Amy's 1-year review at the clinic".into(),
                    owner: "Jo Smith".into(),
                    by: NaiveDate::from_ymd_opt(2026, 11, 27),
                }],
            },
        )
        .expect("marks");
    f.store
        .set_family_copy_settings(&FamilyCopySettings {
            contact: "Call 01632 960 111 (Monday to Friday, 9am to 5pm).".into(),
            out_of_hours: "Call 01632 960 999 in the evening and at weekends.".into(),
            complaints: "Ask for the Patient Advice and Liaison Service (PALS) on 01632 960 222."
                .into(),
        })
        .expect("settings");
}

fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed (Debian poppler-utils; .ci/run installs it): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The PDF's text as a reader's tool extracts it, with lines joined (wrapped text reads whole).
fn pdf_text(pdf: &Path) -> String {
    let out = poppler(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap_or(""), "-"],
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn review_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/family-copy")
}

#[test]
fn the_copy_reads_as_shared_and_nothing_withheld_is_in_it() {
    let f = family();
    mark(&f);
    let review = f.store.family_summary(f.visit, f.mother).expect("review");
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
    let copy = f
        .store
        .give_family_copy(f.visit, f.mother, false, &review.fingerprint)
        .expect("copy");
    let out = review_dir();
    std::fs::create_dir_all(&out).expect("review dir");
    let pdf = out.join("summary.pdf");
    std::fs::write(&pdf, &copy.pdf).expect("write pdf");

    let text = pdf_text(&pdf);
    // Exactly what the review showed: every reviewed line is in the PDF, and every word of the
    // PDF is in the review (besides the page numbers and the list bullets).
    let reviewed: Vec<String> = review
        .printed_lines()
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for line in &reviewed {
        assert!(
            text.contains(line.as_str()),
            "reviewed line {line:?} not in:\n{text}"
        );
    }
    let review_words: std::collections::HashSet<&str> =
        reviewed.iter().flat_map(|l| l.split(' ')).collect();
    let extra: Vec<&str> = text
        .split(' ')
        .filter(|w| !review_words.contains(w))
        .filter(|w| !["Page", "of", "•"].contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert!(extra.is_empty(), "printed but not reviewed: {extra:?}");
    for shared in [
        "Your visit on Friday 20 November 2026",
        "Who visited: Sam Patel, health visitor, the health visiting service (North team).",
        "Who was seen: Amy Smith.",
        "This copy is for: Jo Smith.",
        "Amy's weight has dropped since October",
        "Weigh Amy again in two weeks",
        "Talked about starting solid food.",
        "Jo Smith: Book Amy's 1-year review at the clinic, by Friday 27 November 2026.",
        "Tuesday 1 December 2026 at 14:00: a visit at home.",
        "Call 01632 960 111 (Monday to Friday, 9am to 5pm).",
        "Call 01632 960 999 in the evening and at weekends.",
        "Patient Advice and Liaison Service (PALS) on 01632 960 222.",
        "If a child is in danger right now, call 999.",
    ] {
        assert!(text.contains(shared), "missing {shared:?} in:\n{text}");
    }
    for withheld in [
        "Darren",
        "Cole",
        "stays most nights",
        "AMBER",
        "Amber",
        "RAG",
        "weigh-in",
        "Missed two",
        "unannounced",
        "23 November",
        "15:30",
        "cold and damp",
        "Partial",
        "sleeps",
        "Quarry Lane",
        "dog in the kitchen",
    ] {
        assert!(
            !text.contains(withheld),
            "{withheld:?} leaked into:\n{text}"
        );
    }

    // Rendered as a reader sees it: every page is an image, the first kept for review.
    let prefix = out.join("page");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            pdf.to_str().unwrap_or(""),
            prefix.to_str().unwrap_or(""),
        ],
    );
    let first = std::fs::read_dir(&out)
        .expect("review dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("page-") && n.ends_with(".png"))
        })
        .expect("a rendered page");
    let png = std::fs::read(&first).expect("page image");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 5_000,
        "{first:?}"
    );
}

#[test]
fn the_pdf_is_tagged_titled_and_has_its_font_embedded() {
    let f = family();
    mark(&f);
    let review = f.store.family_summary(f.visit, f.mother).expect("review");
    let copy = f
        .store
        .give_family_copy(f.visit, f.mother, false, &review.fingerprint)
        .expect("copy");
    let tmp = tempfile::tempdir().expect("tmp");
    let pdf = tmp.path().join("copy.pdf");
    std::fs::write(&pdf, &copy.pdf).expect("write");
    let info = String::from_utf8_lossy(&poppler("pdfinfo", &[pdf.to_str().unwrap_or("")]).stdout)
        .to_string();
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Your visit on Friday 20 November 2026"),
        "{info}"
    );
    assert!(
        info.contains("Page size:       595.28 x 841.89 pts (A4)"),
        "{info}"
    );
    let fonts = String::from_utf8_lossy(&poppler("pdffonts", &[pdf.to_str().unwrap_or("")]).stdout)
        .to_string();
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    // Every font embedded ("emb" yes) and with a Unicode map ("uni" yes): text can be read aloud.
    for line in fonts.lines().filter(|l| l.contains("DejaVu")) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert!(
            n >= 5 && cols[n - 5] == "yes" && cols[n - 3] == "yes",
            "{line}"
        );
    }
    let structure = String::from_utf8_lossy(
        &poppler("pdfinfo", &["-struct", pdf.to_str().unwrap_or("")]).stdout,
    )
    .to_string();
    for tag in ["H1", "H2", "P", "L", "LI", "Lbl", "LBody"] {
        assert!(
            structure
                .lines()
                .any(|l| l.split_whitespace().next() == Some(tag)),
            "{tag} missing:\n{structure}"
        );
    }
    // Reading order: the title, then "About this visit", then its first paragraph.
    let order: Vec<&str> = structure.lines().map(str::trim).take(4).collect();
    assert_eq!(order[0], "Document", "{structure}");
    assert!(order[1].starts_with("H1 \"Your visit on"), "{structure}");
    assert!(
        order[2].starts_with("H2 \"About this visit\""),
        "{structure}"
    );
}

#[test]
fn large_print_sets_bigger_type_and_fewer_words_on_a_page() {
    let f = family();
    mark(&f);
    let review = f.store.family_summary(f.visit, f.mother).expect("review");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut first_page_words = Vec::new();
    for large in [false, true] {
        let copy = f
            .store
            .give_family_copy(f.visit, f.mother, large, &review.fingerprint)
            .expect("copy");
        let pdf = tmp.path().join(format!("copy-{large}.pdf"));
        std::fs::write(&pdf, &copy.pdf).expect("write");
        let page_one = poppler(
            "pdftotext",
            &["-f", "1", "-l", "1", pdf.to_str().unwrap_or(""), "-"],
        );
        first_page_words.push(
            String::from_utf8_lossy(&page_one.stdout)
                .split_whitespace()
                .count(),
        );
        // The body text's size as the reader's tool sees it (the bounding box of a word).
        let bbox = String::from_utf8_lossy(
            &poppler("pdftotext", &["-bbox", pdf.to_str().unwrap_or(""), "-"]).stdout,
        )
        .to_string();
        let word = bbox
            .lines()
            .find(|l| l.ends_with(">Talked</word>"))
            .expect("the shared note's first word");
        let attr = |name: &str| -> f64 {
            word.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0)
        };
        let height = attr("yMax") - attr("yMin");
        if large {
            assert!(height >= 16.0, "large print body text is {height} pt high");
        } else {
            assert!(
                (10.0..16.0).contains(&height),
                "body text is {height} pt high"
            );
        }
    }
    assert!(
        first_page_words[1] * 4 < first_page_words[0] * 3,
        "words on page 1, normal and large print: {first_page_words:?}"
    );
}

#[test]
fn the_copy_is_sealed_recorded_in_the_chronology_and_only_as_reviewed() {
    let f = family();
    mark(&f);
    let review = f.store.family_summary(f.visit, f.mother).expect("review");

    // A change after the review (here: one more answer marked) makes the review stale.
    let mut share = f.store.visit(f.visit).expect("visit").family_share;
    share.answers.push(ShareableAnswer::SleepingAreaSeen);
    f.store.set_family_share(f.visit, share).expect("marks");
    let stale = f
        .store
        .give_family_copy(f.visit, f.mother, false, &review.fingerprint);
    assert!(
        matches!(stale, Err(StoreError::InvalidState(_))),
        "{stale:?}"
    );
    assert!(f.store.family_copies(f.visit).expect("copies").is_empty());

    let review = f.store.family_summary(f.visit, f.mother).expect("review");
    assert!(review
        .sections
        .iter()
        .any(|s| s.items.iter().any(|i| i.contains("where Amy Smith sleeps"))));
    let copy = f
        .store
        .give_family_copy(f.visit, f.mother, true, &review.fingerprint)
        .expect("copy");

    // Kept, sealed, on the device.
    let kept = f.store.family_copies(f.visit).expect("copies");
    assert_eq!(kept, vec![copy.record.clone()]);
    assert_eq!(kept[0].sections, review.sections);
    assert!(f.store.verify().expect("verify").is_ok());
    drop(f.store);
    for needle in ["Weigh Amy again", "solid food", "01632 960 111", "Jo Smith"] {
        assert!(
            scan::contains_bytes(&f.dir, needle.as_bytes()).is_empty(),
            "{needle:?} stored in the clear"
        );
    }
}

#[test]
fn the_chronology_says_when_a_copy_was_given_to_whom_for_which_visit() {
    let f = family();
    mark(&f);
    let review = f.store.family_summary(f.visit, f.mother).expect("review");
    f.store
        .give_family_copy(f.visit, f.mother, true, &review.fingerprint)
        .expect("copy");
    let visit = f.store.visit(f.visit).expect("visit");
    assert_eq!(visit.copies_given.len(), 1);
    assert_eq!(visit.copies_given[0].to, f.mother);
    let case = f.store.case(visit.case_id).expect("case");
    let entries = f
        .store
        .chronology(
            case.child_id,
            &ChronologyFilter {
                kinds: vec![ChronologyKind::CopyGiven],
                ..ChronologyFilter::default()
            },
        )
        .expect("chronology");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].source_id, f.visit.to_string());
    assert_eq!(entries[0].at, stores::clock_time());
    assert_eq!(
        entries[0].summary,
        "Copy of the visit summary (large print) given to Jo Smith by Sam Patel (visit of 2026-11-20 09:41)"
    );
}

#[test]
fn a_copy_goes_only_to_a_parent_or_carer_of_a_completed_visit() {
    let f = family();
    let review = f.store.family_summary(f.visit, f.partner);
    assert!(
        matches!(review, Err(StoreError::InvalidState(_))),
        "{review:?}"
    );
    let later = planned_visit(&f);
    let review = f.store.family_summary(later.id, f.mother);
    assert!(
        matches!(review, Err(StoreError::InvalidState(_))),
        "{review:?}"
    );
}

#[test]
fn the_recipients_offered_are_exactly_whom_the_review_accepts() {
    let f = family();
    let offered = f.store.family_copy_recipients(f.visit).expect("recipients");
    let ids: Vec<PersonId> = offered.iter().map(|a| a.person_id).collect();
    assert_eq!(ids, vec![f.mother], "{offered:?}");
    assert_eq!(offered[0].name, "Jo Smith");
    assert_eq!(offered[0].role_label, "Parent or carer");
    for a in &offered {
        f.store
            .family_summary(f.visit, a.person_id)
            .unwrap_or_else(|e| panic!("{} offered but refused: {e}", a.name));
    }
    // The partner (a known adult) is neither offered nor accepted.
    assert!(!ids.contains(&f.partner));
    assert!(matches!(
        f.store.family_summary(f.visit, f.partner),
        Err(StoreError::InvalidState(_))
    ));
    // A visit still planned has no summary, so nobody is offered one.
    let later = planned_visit(&f);
    assert!(f
        .store
        .family_copy_recipients(later.id)
        .expect("recipients")
        .is_empty());
}
