//! End-to-end tests of planning in the real `doorstep` binary: plan (with unannounced visits and
//! booking), due, alerts (lone working), the calendar, placements and departure reasons. Every
//! invocation derives the key with PBKDF2, so the tests keep their invocations few.

use serde_json::Value;
use std::path::Path;

mod common;
use common::*;

/// A social-care store with one household and one child on a child protection plan rated red
/// (weekly face-to-face visits, one in three unannounced). Returns the case id.
fn caseload(store: &Path, name: &str) -> (String, String) {
    ok(
        store,
        &["init", "--name", "Sam Worker", "--agency", "social_care"],
    );
    let h = id(&json(
        store,
        &["household", "add", "--address", "2 Plan Street"],
    ));
    let child = id(&json(
        store,
        &[
            "person",
            "add",
            "--household",
            &h[..8],
            "--role",
            "child",
            "--name",
            name,
            "--dob",
            "2019-03-04",
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
            "red",
            "--reason",
            "Test reason",
        ],
    ));
    (h, case)
}

/// "YYYY-MM-DD HH:MM" in UK local time, `minutes` from now.
fn local_from_now(minutes: i64) -> String {
    let t = chrono::Utc::now() + chrono::Duration::minutes(minutes);
    doorstep_core::time::local_display(t)
}

#[test]
fn plan_marks_unannounced_visits_books_them_and_goes_stale() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    let (h, case) = caseload(s, "Robin Planned");

    // Three weeks of weekly visits, each unannounced at random (the OS's secure source: about a
    // third of visits); re-planning redraws, so within 40 plans one has an unannounced visit
    // (a chance of none below 1e-20).
    let view = (0..40)
        .map(|_| json(s, &["plan", "--weeks", "3"]))
        .find(|v| {
            v["plan"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["slot"]["unannounced"] == true)
        })
        .expect("no unannounced slot in 40 plans");
    assert_eq!(view["stale"], false);
    let lines = view["plan"]["lines"].as_array().unwrap();
    assert!(lines.len() >= 3, "{view}");
    let unannounced: Vec<&Value> = lines
        .iter()
        .filter(|l| l["slot"]["unannounced"] == true)
        .collect();
    for u in &unannounced {
        assert_eq!(u["slot"]["kind"], "unannounced_home");
    }
    assert!(lines.iter().all(|l| l["slot"]["case"] == case.as_str()));
    assert_eq!(view["plan"]["shortfalls"].as_array().unwrap().len(), 0);

    // Human output: grouped by day, the unannounced marker, the shortfall section, explanations.
    let human = (0..40)
        .map(|_| ok(s, &["plan", "--weeks", "3", "--explain"]))
        .find(|h| h.contains("UNANNOUNCED"))
        .expect("no unannounced slot in 40 plans");
    assert!(human.contains("feasible slot(s) on"), "{human}");
    assert!(human.contains("Robin Planned"), "{human}");
    assert!(human.contains("no shortfalls"), "{human}");
    assert!(human.contains("Drawn uniformly at random"), "{human}");

    // Booking turns every slot into a planned visit the day list shows.
    let booked = json(s, &["plan", "--weeks", "3", "--book"]);
    let blines = booked["plan"]["lines"].as_array().unwrap();
    assert!(blines.iter().all(|l| l["visit_id"].is_string()), "{booked}");
    let first = &blines[0];
    let start = chrono::DateTime::parse_from_rfc3339(first["slot"]["start"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let date = doorstep_core::time::local_date(start).to_string();
    let day = json(s, &["visit", "list", "--date", &date]);
    let visit_ids: Vec<&str> = day
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["visit"]["id"].as_str().unwrap())
        .collect();
    assert!(
        visit_ids.contains(&first["visit_id"].as_str().unwrap()),
        "{day}"
    );

    // The due list: the regular visit, face to face, see alone.
    let due = json(s, &["due"]);
    let items = due[0]["items"].as_array().unwrap();
    assert_eq!(due[0]["child"]["child_name"], "Robin Planned");
    assert_eq!(items[0]["requirement"], "periodic");
    assert_eq!(items[0]["contact"], "face_to_face");
    assert_eq!(items[0]["see_alone"], true);
    let human = ok(s, &["due"]);
    assert!(
        human.contains("regular visit") && human.contains("see alone"),
        "{human}"
    );

    // The calendar: every change round-trips, and makes the stored plan stale.
    ok(
        s,
        &[
            "calendar", "hours", "--day", "mon", "--from", "10:00", "--to", "15:30",
        ],
    );
    ok(s, &["calendar", "hours", "--day", "fri", "--off"]);
    ok(
        s,
        &[
            "calendar",
            "leave",
            "add",
            "--from",
            "2027-07-05",
            "--to",
            "2027-07-09",
        ],
    );
    ok(
        s,
        &[
            "calendar",
            "appointment",
            "add",
            "--at",
            "2027-07-01 13:00",
            "--minutes",
            "90",
        ],
    );
    ok(
        s,
        &[
            "calendar",
            "capacity",
            "--visit-minutes",
            "45",
            "--travel-minutes",
            "20",
            "--max-per-day",
            "3",
        ],
    );
    let cal = json(s, &["calendar", "show"]);
    let human = ok(s, &["calendar", "show"]);
    assert!(
        human.contains("rules + table") && human.contains("rules only"),
        "which years come from which source: {human}"
    );
    assert!(human.contains("at most 8 announced in a row"), "{human}");
    assert_eq!(cal["pattern"]["days"][0]["start_minute"], 600);
    assert_eq!(cal["pattern"]["days"][0]["end_minute"], 930);
    assert!(cal["pattern"]["days"][4].is_null());
    assert!(cal["pattern"]["days"][3].is_object());
    assert_eq!(cal["leave"][0]["first"], "2027-07-05");
    assert_eq!(cal["leave"][0]["last"], "2027-07-09");
    // 13:00 British Summer Time is 12:00 UTC.
    assert_eq!(cal["appointments"][0]["start"], "2027-07-01T12:00:00Z");
    assert_eq!(cal["appointments"][0]["end"], "2027-07-01T13:30:00Z");
    assert_eq!(cal["capacity"]["visit_minutes"], 45);
    assert_eq!(cal["capacity"]["travel_buffer_minutes"], 20);
    assert_eq!(cal["capacity"]["max_visits_per_day"], 3);
    let shown = ok(s, &["plan", "--show"]);
    assert!(shown.starts_with("STALE"), "{shown}");
    assert!(fails(
        s,
        &["calendar", "hours", "--day", "tue", "--from", "17:00", "--to", "09:00"]
    )
    .contains("--from must be before --to"));

    // A virtual visit for a child who must be seen face to face needs the reason.
    let at = "2027-07-02 10:00";
    let err = fails(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case[..8],
            "--kind",
            "virtual",
            "--at",
            at,
        ],
    );
    assert!(err.contains("require face-to-face visits"), "{err}");
    let v = json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case[..8],
            "--kind",
            "virtual",
            "--at",
            at,
            "--departure-reason",
            "Family isolating with flu",
        ],
    );
    assert_eq!(v["departure_reason"], "Family isolating with flu");

    // A placement is for a looked-after child; one for such a child makes a placement visit due.
    assert!(fails(
        s,
        &["case", "placement", &case[..8], "--date", "2026-01-05"]
    )
    .contains("looked-after"));
    let child = id(&json(
        s,
        &[
            "person",
            "add",
            "--household",
            &h[..8],
            "--role",
            "child",
            "--name",
            "Alex Placed",
            "--dob",
            "2016-06-01",
        ],
    ));
    let lac = id(&json(
        s,
        &[
            "case",
            "open",
            "--child",
            &child[..8],
            "--plan",
            "looked_after",
            "--rag",
            "amber",
            "--reason",
            "Test reason",
        ],
    ));
    let today = doorstep_core::time::local_date(chrono::Utc::now()).to_string();
    let placed = json(
        s,
        &[
            "case",
            "placement",
            &lac[..8],
            "--date",
            &today,
            "--looked-after-since",
            "2026-01-05",
            "--until-18",
        ],
    );
    assert_eq!(placed["placement_date"], today.as_str());
    assert_eq!(placed["placement_intended_until_18"], true);
    let due = json(s, &["due"]);
    let entry = due
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["child"]["case_id"] == lac.as_str())
        .expect("the looked-after child is in the due list");
    assert!(
        entry["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["requirement"] == "placement_visit"),
        "{entry}"
    );
}

#[test]
fn lone_worker_alert_comes_first_until_checked_out() {
    let dir = tempfile::tempdir().unwrap();
    let s = &dir.path().join("store");
    let (_, case) = caseload(s, "Jo Alone");
    let earlier = local_from_now(-180);
    let v1 = id(&json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case[..8],
            "--kind",
            "announced_home",
            "--at",
            &earlier,
            "--minutes",
            "30",
        ],
    ));
    let now = local_from_now(0);
    let v2 = id(&json(
        s,
        &[
            "visit",
            "plan",
            "--case",
            &case[..8],
            "--kind",
            "announced_home",
            "--at",
            &now,
        ],
    ));

    // The CLI runs on the system clock, so the check-in two hours ago is made through the core with
    // the clock set back; the store is the same real file the binary uses.
    {
        let clock = std::sync::Arc::new(doorstep_core::FixedClock::new(
            chrono::Utc::now() - chrono::Duration::minutes(120),
        ));
        let store = doorstep_core::Store::open(s, clock).unwrap();
        store
            .unlock_with_passphrase(&doorstep_core::crypto::Passphrase::new(PASS.to_string()))
            .unwrap();
        let id: doorstep_core::domain::VisitId = v1.parse().unwrap();
        store.start_visit(id).unwrap();
    }
    // A visit checked in just now is within its time: no alert for it.
    let checked = json(s, &["visit", "checkin", &v2[..8]]);
    assert_eq!(checked["status"], "in_progress");

    let human = ok(s, &["alerts"]);
    let first = human.lines().next().unwrap_or_default();
    assert!(first.starts_with("!! LONE WORKER OVERDUE (RED)"), "{human}");
    assert!(
        first.contains("Jo Alone") && first.contains("2 Plan Street"),
        "{human}"
    );
    let alerts = json(s, &["alerts"]);
    let list = alerts.as_array().unwrap();
    assert_eq!(
        list[0]["alert"]["kind"]["lone_worker_overdue"]["red"], true,
        "{alerts}"
    );
    assert_eq!(list[0]["alert"]["priority"], "critical");
    let lone = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["alert"]["kind"].get("lone_worker_overdue").is_some())
            .count()
    };
    assert_eq!(lone(&alerts), 1, "only the overdue visit alerts: {alerts}");

    let out = ok(s, &["visit", "checkout", &v1[..8]]);
    assert!(out.contains("Checked out"), "{out}");
    let alerts = json(s, &["alerts"]);
    assert_eq!(lone(&alerts), 0, "{alerts}");
    assert!(!ok(s, &["alerts"]).contains("!!"));
    assert!(fails(s, &["visit", "checkout", &v1[..8]]).contains("not yet checked out"));
}
