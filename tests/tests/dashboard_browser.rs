//! The supervisor's dashboard in a real browser: Debian's Chromium, headless, driven through
//! chromedriver against the server on loopback — a refused sign-in, a lockout, signing in, every
//! page, acknowledging an escalation, recording a supervision note (which the practitioner's
//! phone then syncs into the child's chronology), keyboard focus, and signing out. A PNG of every
//! page is kept in `target/dashboard-screenshots/` for review.
//!
//! Without chromium and chromedriver this test fails, unless DOORSTEP_BROWSER_TESTS_OPTIONAL=1
//! says the browser tests may be skipped on this machine (never in CI: `.ci/run` installs them).

use chrono::Duration;
use doorstep_core::domain::{ChronologyFilter, ChronologyKind};
use doorstep_core::Clock;
use doorstep_server::rate::RateLimits;
use doorstep_server::Config;
use doorstep_tests::dashboard::{Scene, PASSWORD_A, PASSWORD_B};
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::webdriver::{browser_paths, Browser};
use std::path::PathBuf;

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

#[test]
fn a_manager_works_through_every_page_in_chromium() {
    let Some((chromium, chromedriver)) = browser_paths() else {
        let optional = std::env::var("DOORSTEP_BROWSER_TESTS_OPTIONAL").as_deref() == Ok("1");
        if optional && std::env::var_os("CI").is_none() {
            eprintln!(
                "\n*** SKIPPED: chromium or chromedriver is not installed, and \
                 DOORSTEP_BROWSER_TESTS_OPTIONAL=1 allows it. The dashboard was NOT tested in a browser. ***\n"
            );
            return;
        }
        panic!(
            "chromium and chromedriver are needed (apt-get install chromium chromium-driver; .ci/run installs them); \
             set DOORSTEP_BROWSER_TESTS_OPTIONAL=1 to skip outside CI"
        );
    };
    let mut config = Config {
        rate: RateLimits::generous(),
        ..Config::default()
    };
    // Plain HTTP on loopback: the cookie cannot be `Secure` here (the HTTP tests check it is by
    // default).
    config.dashboard.session.secure_cookies = false;
    let s = Scene::new(config);
    // The practitioner checked in 80 minutes ago for a 45-minute visit: amber has passed.
    s.world
        .clock
        .set(s.world.clock.now() + Duration::minutes(80));
    let base = s.world.server.url();
    let shots = screenshots();
    let b = Browser::start(&chromium, &chromedriver);
    let shot = |name: &str| {
        let png = b.screenshot(&shots.join(format!("{name}.png")));
        assert!(png.len() > 1000, "{name}: an empty picture");
        // Nothing off the side of the page (a Revoke button once was, at this width).
        let over = b.script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        );
        assert_eq!(over.as_i64(), Some(0), "{name}: wider than the window");
    };

    // A refused sign-in, and a lockout (manager B), which reads the same.
    b.go(&format!("{base}/dashboard/login"));
    b.find("#username");
    shot("01-sign-in");
    b.type_into("#username", "manager.a");
    b.type_into("#password", "a wrong password");
    b.click("#sign-in");
    b.find("#login-error");
    assert!(b.text().contains("were not accepted"));
    shot("02-sign-in-refused");
    for _ in 0..5 {
        b.type_into("#username", "manager.b");
        b.type_into("#password", "another wrong one");
        b.click("#sign-in");
        b.find("#login-error");
    }
    b.type_into("#username", "manager.b");
    b.type_into("#password", PASSWORD_B);
    b.click("#sign-in");
    b.find("#login-error");
    assert!(b.current_url().ends_with("/dashboard/login"), "locked out");
    shot("03-locked-out");

    // Keyboard: the first Tab reaches the skip link.
    b.keys("\u{E004}");
    assert_eq!(
        b.script("return document.activeElement.className"),
        serde_json::json!("skip")
    );

    // Sign in: the Now page, with the amber check-in; acknowledge it.
    b.type_into("#username", "manager.a");
    b.type_into("#password", PASSWORD_A);
    b.click("#sign-in");
    b.find("#checked-in");
    b.wait_for_text("Sam Okafor");
    assert!(b.text().contains("Amber"), "{}", b.text());
    // Where the practitioner is: the visit's address, which the escalation emails point here for
    // (they carry none); never another team's.
    assert!(b.text().contains("1 Example Lane"), "{}", b.text());
    assert!(!b.text().contains("2 Example Lane"), "{}", b.text());
    shot("04-now");
    b.type_into(
        "input[name=who_was_called]",
        "Rang Sam's mobile: no answer; duty desk told",
    );
    b.click("#checked-in form button[type=submit]");
    b.find("#now-message");
    b.wait_for_text("called Rang Sam's mobile");
    shot("05-now-acknowledged");

    // Children, one child's record, devices, the audit log.
    b.click("nav a[href='/dashboard/children']");
    b.find("#children");
    b.wait_for_text("Child 1");
    assert!(!b.text().contains("Child 2"), "team B's child is not shown");
    shot("06-children");
    b.click("#children h2 a");
    b.find("#chronology");
    b.wait_for_text("first visit to family 1");
    shot("07-child");
    b.click("nav a[href='/dashboard/devices']");
    b.find("#devices");
    b.wait_for_text("Sam Okafor");
    shot("08-devices");

    // Supervision: record a discussion; it shows in the child's chronology.
    b.click("nav a[href='/dashboard/supervision']");
    b.find("#decision");
    shot("09-supervision");
    b.type_into("#decision", "Escalate to a strategy discussion");
    b.type_into("#actions", "Unannounced visit within five working days");
    b.type_into("#owner", "Sam Okafor");
    b.script("document.getElementById('due').value = '2026-11-09'; return null;");
    b.click("#record-supervision");
    b.find("#chronology");
    b.wait_for_text("Supervision with Alex Morgan");
    shot("10-supervision-recorded");
    b.click("nav a[href='/dashboard/audit']");
    b.find("#audit");
    b.wait_for_text("supervision recorded");
    shot("11-audit");

    // Sign out: back at the sign-in page, and the pages need signing in again.
    b.click(".logout button");
    b.find("#username");
    b.go(&format!("{base}/dashboard/children"));
    b.find("#username");

    // The practitioner's phone syncs and its chronology holds the supervision note.
    s.phone_a.sync(&transport(), None, quick()).unwrap();
    let chron = s
        .phone_a
        .chronology(
            s.child_a.0,
            &ChronologyFilter {
                kinds: vec![ChronologyKind::Supervision],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(chron.len(), 1);
    assert!(chron[0]
        .summary
        .contains("Escalate to a strategy discussion"));
    for name in [
        "01-sign-in",
        "04-now",
        "06-children",
        "07-child",
        "08-devices",
        "09-supervision",
        "11-audit",
    ] {
        assert!(shots.join(format!("{name}.png")).is_file());
    }
}
