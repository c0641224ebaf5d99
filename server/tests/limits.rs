//! Limits, each tried by someone defeating it: rate limits keyed by client address (a forwarded
//! address only from a trusted proxy) on enrolment and failed authentication, so one client's
//! burst never refuses another and random tokens do not bypass them; a deadline for headers and
//! for whole requests; authentication before the body is read; a field no longer than the app
//! allows; pull pages capped in bytes with the cursor continuing.

mod common;

use common::*;
use doorstep_core::domain::MAX_TEXT_CHARS;
use doorstep_core::sync::protocol::MAX_PULL_BYTES;
use doorstep_server::rate::{RateLimit, RateLimits};
use doorstep_server::{admin, Config};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn each(mut f: impl FnMut(&str)) {
    for b in backends() {
        eprintln!("backend: {b}");
        f(b);
    }
}

/// A limit of `burst` requests that does not refill during a test.
fn tight(burst: u32) -> RateLimit {
    RateLimit {
        per_second: 0.0001,
        burst,
    }
}

/// A request from `client` (as forwarded by a proxy on loopback).
fn post_from(
    e: &Env,
    client: &str,
    path: &str,
    auth: Option<&str>,
    body: &Value,
) -> (u16, Option<String>) {
    let mut req = e
        .agent
        .post(format!("{}{path}", e.server.url()))
        .header("X-Forwarded-For", client);
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let mut resp = req.send_json(body).unwrap();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let _ = resp.body_mut().read_to_string();
    (resp.status().as_u16(), retry)
}

#[test]
fn one_clients_guessing_is_limited_and_never_refuses_another_client() {
    each(|backend| {
        let config = Config {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            rate: RateLimits {
                enrol: tight(3),
                auth_failures: tight(3),
                ..RateLimits::generous()
            },
            ..Config::default()
        };
        let e = env(backend, config);
        let p = e.practitioner("Alex");
        let (attacker, victim) = ("198.51.100.1", "198.51.100.2");
        // Code guessing: three tries, then 429 with Retry-After.
        for _ in 0..3 {
            let (s, _) = post_from(
                &e,
                attacker,
                "/v1/enrol",
                None,
                &json!({"code": "AAAA-BBBB-CCCC"}),
            );
            assert_eq!(s, 403);
        }
        let (s, retry) = post_from(
            &e,
            attacker,
            "/v1/enrol",
            None,
            &json!({"code": "AAAA-BBBB-CCCC"}),
        );
        assert_eq!(s, 429, "{backend}");
        assert!(retry.is_some_and(|r| r.parse::<u64>().unwrap() >= 1));
        // Another client enrols at once.
        let code = admin::issue_code(e.db.as_ref(), &p, e.now(), 3_600_000).unwrap();
        let (s, _) = post_from(&e, victim, "/v1/enrol", None, &json!({ "code": code }));
        assert_eq!(s, 200, "{backend}: the victim's enrolment");
        // Token guessing: random bearer values are failures of the same client, whatever they are.
        let (_, token) = e.device(&p);
        let push = json!({"ops": []});
        for _ in 0..3 {
            let guess = format!("Bearer {}", uuid::Uuid::new_v4().simple());
            assert_eq!(
                post_from(&e, attacker, "/v1/push", Some(&guess), &push).0,
                401
            );
        }
        let guess = format!("Bearer {}", uuid::Uuid::new_v4().simple());
        assert_eq!(
            post_from(&e, attacker, "/v1/push", Some(&guess), &push).0,
            429
        );
        // Blocked: even a right token is not looked up for this client now.
        let right = format!("Bearer {token}");
        assert_eq!(
            post_from(&e, attacker, "/v1/push", Some(&right), &push).0,
            429
        );
        // The victim pushes, with the scheme in any case (RFC 9110).
        let lower = format!("bearer {token}");
        assert_eq!(
            post_from(&e, victim, "/v1/push", Some(&lower), &push).0,
            200
        );
    });
}

#[test]
fn a_forwarded_address_from_an_untrusted_peer_is_ignored() {
    let config = Config {
        rate: RateLimits {
            enrol: tight(3),
            ..RateLimits::generous()
        },
        ..Config::default()
    };
    let e = env("sqlite", config);
    let statuses: Vec<u16> = (0..6)
        .map(|i| {
            let spoofed = format!("203.0.113.{i}");
            post_from(
                &e,
                &spoofed,
                "/v1/enrol",
                None,
                &json!({"code": "AAAA-BBBB-CCCC"}),
            )
            .0
        })
        .collect();
    assert_eq!(statuses, [403, 403, 403, 429, 429, 429]);
}

/// Sends `head` on a fresh connection and reads until the server closes it (or, with
/// `answer_only`, until an answer's head arrived), or `patience` passes; returns what arrived
/// and whether the connection was closed.
fn raw(e: &Env, head: &str, patience: Duration, answer_only: bool) -> (String, bool) {
    let mut stream = TcpStream::connect(e.server.addr).unwrap();
    stream.set_read_timeout(Some(patience)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if answer_only && got.windows(4).any(|w| w == b"\r\n\r\n") {
                    return (String::from_utf8_lossy(&got).into_owned(), false);
                }
            }
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

#[test]
fn slow_headers_and_slow_bodies_are_cut_off_and_the_token_is_checked_before_the_body() {
    each(|backend| {
        let config = Config {
            header_read_timeout: Duration::from_millis(500),
            request_timeout: Duration::from_secs(1),
            ..Config::default()
        };
        let e = env(backend, config);
        let p = e.practitioner("Alex");
        let (_, token) = e.device(&p);
        // Generous patience: the server must close long before it (no dependence on speed).
        let patience = Duration::from_secs(60);
        // Connections that send nothing, or headers that never end, are closed.
        let (_, closed) = raw(&e, "", patience, false);
        assert!(closed, "{backend}: an idle connection is closed");
        let (_, closed) = raw(&e, "POST /v1/push HTTP/1.1\r\nHost: x\r\n", patience, false);
        assert!(closed, "{backend}: unfinished headers are cut off");
        // A body that never comes, from an authenticated device: 408.
        let (answer, _) = raw(
            &e,
            &format!(
                "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"ops\""
            ),
            patience,
            true,
        );
        assert!(answer.starts_with("HTTP/1.1 408"), "{backend}: {answer}");
        // Without a valid token the body is never waited for: 401 at once, not 408.
        let (answer, _) = raw(
            &e,
            "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer WRONG\r\n\
             Content-Type: application/json\r\nContent-Length: 3000000\r\n\r\n",
            patience,
            true,
        );
        assert!(answer.starts_with("HTTP/1.1 401"), "{backend}: {answer}");
    });
}

#[test]
fn a_field_may_be_as_long_as_the_app_allows_and_no_longer() {
    each(|backend| {
        let e = env(backend, Config::default());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, child, case) = family();
        let (_, body) = e.push(
            &token,
            &[o.household(h), o.person(h, child), o.case(h, case, child)],
        );
        assert_eq!(results(&body), ["applied"; 3]);
        let longest = "é".repeat(MAX_TEXT_CHARS);
        let (_, body) = e.push(&token, &[o.note(h, case, uuid::Uuid::new_v4(), &longest)]);
        assert_eq!(results(&body), ["applied"], "{backend}");
        let mut long = o.person(h, uuid::Uuid::new_v4());
        long.delta.get_mut("name").unwrap().value = json!("x".repeat(MAX_TEXT_CHARS + 1));
        let (_, body) = e.push(&token, &[long]);
        assert_eq!(results(&body), ["rejected:too_large"], "{backend}");
    });
}

#[test]
fn a_pull_page_is_capped_in_bytes_and_the_cursor_continues() {
    each(|backend| {
        let e = env(backend, Config::default());
        let p = e.practitioner("Alex");
        let (device, token) = e.device(&p);
        let (_, reader) = e.device(&p);
        let mut o = e.ops(device, &p);
        let (h, child, case) = family();
        let (_, body) = e.push(
            &token,
            &[o.household(h), o.person(h, child), o.case(h, case, child)],
        );
        assert_eq!(results(&body), ["applied"; 3]);
        let text = "n".repeat(40_000);
        for _ in 0..3 {
            let batch: Vec<_> = (0..20)
                .map(|_| o.note(h, case, uuid::Uuid::new_v4(), &text))
                .collect();
            let (_, body) = e.push(&token, &batch);
            assert_eq!(results(&body), ["applied"; 20]);
        }
        let (s, first) = e.get("/v1/changes?since=0&limit=1000", Some(&reader));
        assert_eq!(s, 200);
        let page = first["changes"].as_array().unwrap();
        let bytes: usize = page.iter().map(|c| c["op"].to_string().len()).sum();
        assert!(
            first["more"].as_bool().unwrap(),
            "{backend}: a full page says more"
        );
        assert!(
            page.len() < 63,
            "{backend}: {} changes in one page",
            page.len()
        );
        assert!(bytes <= MAX_PULL_BYTES + 50_000, "{backend}: {bytes} bytes");
        assert_eq!(
            e.pull_all(&reader, 1000).len(),
            63,
            "{backend}: all by the cursor"
        );
        let (s, _) = e.get("/v1/changes?since=-1", Some(&reader));
        assert_eq!(s, 400, "a negative cursor is refused");
    });
}
