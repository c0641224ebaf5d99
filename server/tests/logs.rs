//! The server's logs carry no personal data: a request full of names, addresses and note text,
//! refused and accepted, leaves only methods, paths, status codes and timings in the log.

mod common;

use common::*;
use doorstep_core::sync::merge::Stamped;
use doorstep_server::lone_working::{self, Channel, Channels, Role};
use doorstep_server::Config;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn logs_hold_no_personal_data() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(doorstep_server::log_filter("trace"))
        .with_writer(move || writer.clone())
        .init();

    const MARKERS: [&str; 4] = [
        "Zebedee Quilliam",
        "17 Marrowbone Yard",
        "burn mark on the left wrist",
        "AB12 9ZZ",
    ];
    let e = env("sqlite", Config::default());
    let p = e.practitioner("Alex");
    let (device, token) = e.device(&p);
    let mut ops = e.ops(device, &p);
    let (h, child, case) = family();
    let mut household = ops.household(h);
    household.delta.get_mut("address").unwrap().value =
        json!(format!("{} {}", MARKERS[1], MARKERS[3]));
    let mut person = ops.person(h, child);
    person.delta.get_mut("name").unwrap().value = json!(MARKERS[0]);
    let note = ops.note(h, case, uuid::Uuid::new_v4(), MARKERS[2]);
    let (s, _) = e.push(
        &token,
        &[household, person, ops.case(h, case, child), note.clone()],
    );
    assert_eq!(s, 200);
    // Refused (a rewritten note), malformed, unauthorised and oversized requests log too.
    let mut rewrite = note;
    rewrite.op_id = uuid::Uuid::new_v4();
    rewrite.delta.get_mut("text").unwrap().value = json!(format!("{} again", MARKERS[2]));
    e.push(&token, &[rewrite]);
    e.post(
        "/v1/push",
        Some(&token),
        &json!({ "ops": [{ "kind": MARKERS[0] }] }),
    );
    e.post(
        "/v1/push",
        Some("not-a-token"),
        &json!({ "ops": [], "note": MARKERS[2] }),
    );
    e.post(
        "/v1/enrol",
        None,
        &json!({ "code": MARKERS[0], "device_id": uuid::Uuid::new_v4() }),
    );
    e.get("/v1/changes?since=0", Some(&token));
    // Lone working: a check-in escalated to contacts whose labels and addresses are markers, the
    // webhook unreachable and no SMTP relay: every attempt fails and is logged, by channel,
    // attempt and outcome only.
    let hook = "http://127.0.0.1:9/quilliam-hook";
    let mailbox = "zebedee@quilliam.example";
    for (channel, target, secret) in [
        (
            Channel::Webhook,
            hook,
            Some("0123456789abcdef0123456789abcdef"),
        ),
        (Channel::Email, mailbox, None),
    ] {
        lone_working::add_contact(
            e.db.as_ref(),
            &e.team,
            Some(&p),
            Role::Buddy,
            channel,
            target,
            secret,
            MARKERS[0],
            e.now(),
        )
        .unwrap();
    }
    let mut visit = ops.visit(h, case, uuid::Uuid::new_v4(), "in_progress");
    let stamp = |v: serde_json::Value| Stamped {
        value: v,
        hlc: visit.hlc,
    };
    let started = (start() - chrono::Duration::hours(4)).to_rfc3339();
    let (who, when) = (stamp(json!(p)), stamp(json!(started)));
    visit.delta.insert("practitioner_id".into(), who);
    visit.delta.insert("started_at".into(), when);
    assert_eq!(e.push(&token, &[visit]).0, 200);
    let pass = lone_working::tick(e.db.as_ref(), e.now(), &Channels::default()).unwrap();
    assert_eq!((pass.raised, pass.attempts, pass.delivered), (1, 2, 0));
    drop(e);

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("\"path\":\"/v1/push\""),
        "the requests were logged: {text}"
    );
    for m in MARKERS {
        assert!(!text.contains(m), "the log contains {m:?}: {text}");
    }
    assert!(!text.contains(&token), "the log contains a device token");
    assert!(
        text.contains("lone_working_attempt_failed"),
        "the attempts were logged: {text}"
    );
    for m in [hook, mailbox, "quilliam"] {
        assert!(!text.contains(m), "the log contains {m:?}: {text}");
    }
}
