//! The demo's lone-working episode: a health visitor checks in at a home visit, the check-in
//! reaches the reference server, then the phone goes silent (no signal in the house). The
//! server's escalation tells the named buddy by email at amber and the team's alarm-receiving
//! centre by signed webhook at red; the check-out clears both. The email and webhook receivers
//! are small in-process loopback servers (the demo needs nothing installed); the tests use a
//! real SMTP server process.

use super::signal::Signal;
use super::{at, section};
use crate::outln;
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use doorstep_core::crypto::Passphrase;
use doorstep_core::domain::{
    Agency, NewCase, NewHousehold, NewPerson, NewVisit, PersonRole, PlanType, Rag, VisitKind,
};
use doorstep_core::store::{enrol, SyncOptions};
use doorstep_core::{Clock, FixedClock, Store, UnlockMethods};
use doorstep_server::db::{Backend, SqliteBackend};
use doorstep_server::lone_working::channels::{verify, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use doorstep_server::lone_working::{self, Channel, LoneWorkingConfig, Role, SmtpSettings};
use doorstep_server::seal::KeyRing;
use doorstep_server::{admin, spawn_on_loopback, AppState, Config};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The practitioner of the episode.
const PRACTITIONER: &str = "Jordan Ashby";
/// The family (invented): none of it may appear in a message.
const CHILD: &str = "Ellie-Rose Whitlock";
const ADDRESS: &str = "Flat 3, 12 Mill Street, Oswestry";

/// What the episode showed, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct LoneWorkingDemo {
    /// Messages that reached the buddy by email (amber, red, clear).
    pub emails: usize,
    /// Webhook calls that reached the alarm-receiving centre, each signature verified.
    pub webhooks: usize,
    /// Whether any message held the family's name or address (never).
    pub family_in_messages: bool,
    /// Seconds the episode took.
    pub seconds: f64,
}

/// One message as a receiver got it.
enum Received {
    Email(String),
    Webhook {
        headers: Vec<(String, String)>,
        body: String,
    },
}

fn read_line(r: &mut impl BufRead) -> Option<String> {
    let mut l = String::new();
    match r.read_line(&mut l) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(l),
    }
}

/// A minimal SMTP receiver (enough for one client at a time on loopback).
fn smtp_session(stream: TcpStream, tx: &mpsc::Sender<Received>) -> Option<()> {
    let mut out = stream.try_clone().ok()?;
    let mut r = BufReader::new(stream);
    out.write_all(b"220 demo-receiver ESMTP\r\n").ok()?;
    while let Some(line) = read_line(&mut r) {
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250 demo-receiver\r\n").ok()?,
            "DATA" => {
                out.write_all(b"354 end with .\r\n").ok()?;
                let mut msg = String::new();
                while let Some(l) = read_line(&mut r) {
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    msg.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                out.write_all(b"250 accepted\r\n").ok()?;
                let _ = tx.send(Received::Email(msg));
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n").ok()?;
                return Some(());
            }
            _ => out.write_all(b"250 ok\r\n").ok()?,
        }
    }
    Some(())
}

/// A minimal HTTP receiver: one request per connection, answered 200.
fn http_request(stream: TcpStream, tx: &mpsc::Sender<Received>) -> Option<()> {
    let mut out = stream.try_clone().ok()?;
    let mut r = BufReader::new(stream);
    read_line(&mut r)?;
    let mut headers = Vec::new();
    while let Some(l) = read_line(&mut r) {
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len.min(1 << 20)];
    r.read_exact(&mut body).ok()?;
    out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()?;
    let _ = tx.send(Received::Webhook {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    Some(())
}

/// Starts a loopback receiver running `session` for each connection; returns its port.
fn receiver(
    tx: mpsc::Sender<Received>,
    session: fn(TcpStream, &mpsc::Sender<Received>) -> Option<()>,
) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            session(stream, &tx);
        }
    });
    Ok(port)
}

/// Undoes quoted-printable soft breaks and escapes (how the email's body may be encoded).
fn unquote(body: &str) -> String {
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::with_capacity(joined.len());
    let b = joined.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if let Some(v) = joined
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Prints an email as the buddy's inbox shows it: subject and body.
fn print_email(raw: &str) {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    // Long headers are folded onto continuation lines that start with white space.
    let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let header = |name: &str| {
        head.lines()
            .find(|l| {
                l.get(..name.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(name))
            })
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_default()
    };
    outln!("  ┌ email to {}", header("To:"));
    outln!("  │ Subject: {}", header("Subject:"));
    for l in unquote(body).lines() {
        outln!("  │ {l}");
    }
    outln!("  └");
}

fn print_webhook(headers: &[(String, String)], body: &str, verified: bool) {
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map_or("", |(_, v)| v.as_str())
    };
    outln!("  ┌ webhook POST to the alarm-receiving centre");
    outln!("  │ {TIMESTAMP_HEADER}: {}", get(TIMESTAMP_HEADER));
    outln!("  │ {SIGNATURE_HEADER}: {}", get(SIGNATURE_HEADER));
    outln!(
        "  │ signature {}",
        if verified {
            "verified (HMAC-SHA256 over timestamp.body, within 5 minutes)"
        } else {
            "DOES NOT VERIFY"
        }
    );
    let pretty = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string());
    for l in pretty.lines() {
        outln!("  │ {l}");
    }
    outln!("  └");
}

/// Everything the receivers got.
struct Inbox {
    rx: mpsc::Receiver<Received>,
    secret: String,
    emails: usize,
    webhooks: usize,
    leaked: bool,
}

impl Inbox {
    /// Waits for `n` messages and prints each as it arrives.
    fn expect(&mut self, n: usize, human: bool) -> Result<()> {
        for _ in 0..n {
            let got = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .map_err(|_| anyhow!("a lone-working notification did not arrive"))?;
            let text = match &got {
                Received::Email(m) => unquote(m),
                Received::Webhook { body, .. } => body.clone(),
            };
            self.leaked |= [CHILD, "Whitlock", "Mill Street", "Oswestry"]
                .iter()
                .any(|f| text.contains(f));
            match got {
                Received::Email(m) => {
                    self.emails += 1;
                    if human {
                        print_email(&m);
                    }
                }
                Received::Webhook { headers, body } => {
                    let now = chrono::Utc::now().timestamp();
                    let ts = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(TIMESTAMP_HEADER))
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    let sig = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(SIGNATURE_HEADER))
                        .map_or("", |(_, v)| v.as_str());
                    let ok = verify(self.secret.as_bytes(), ts, body.as_bytes(), sig, now);
                    if !ok {
                        bail!("a demo webhook's signature did not verify");
                    }
                    self.webhooks += 1;
                    if human {
                        print_webhook(&headers, &body, ok);
                    }
                }
            }
        }
        Ok(())
    }
}

fn options() -> SyncOptions {
    SyncOptions {
        max_attempts: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        ..SyncOptions::default()
    }
}

/// Runs the episode in `root` (a new directory inside the demo's store directory).
pub fn show(root: &Path, pass: &str, today: NaiveDate, human: bool) -> Result<LoneWorkingDemo> {
    let started = std::time::Instant::now();
    let day = today
        .checked_add_days(chrono::Days::new(2))
        .ok_or_else(|| anyhow!("demo date out of range"))?;
    section(
        human,
        "22. Lone working: the check-in reaches the server, then the phone goes silent",
    );
    std::fs::create_dir_all(root).map_err(|_| anyhow!("could not create the directory"))?;
    let clock = Arc::new(FixedClock::new(at(day, 13, 25)?));
    let (tx, rx) = mpsc::channel();
    let smtp_port = receiver(tx.clone(), smtp_session)?;
    let hook_port = receiver(tx, http_request)?;
    let key_file = root.join("server.key");
    if !key_file.exists() {
        KeyRing::create_file(&key_file)?;
    }
    let keys = Arc::new(KeyRing::from_file(&key_file)?);
    let db: Arc<dyn Backend> = Arc::new(SqliteBackend::open(&root.join("server.db"), keys)?);
    db.migrate()?;
    let config = Config {
        lone_working: LoneWorkingConfig {
            interval: Duration::from_millis(20),
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: smtp_port,
                starttls: false,
                from: "Doorstep lone working <lone-working@north-locality.example>".into(),
                credentials: None,
            }),
        },
        ..Config::default()
    };
    let running = spawn_on_loopback(AppState::new(db.clone(), clock.clone(), config))?;
    let now = || clock.now().timestamp_millis();
    let team = admin::add_team(db.as_ref(), "North Locality 0-19 team (demo)")?;
    let hv = admin::add_practitioner(
        db.as_ref(),
        &team,
        PRACTITIONER,
        Agency::HealthVisiting,
        now(),
    )?;
    let buddy = "priya.shah@north-locality.example";
    lone_working::add_contact(
        db.as_ref(),
        &team,
        Some(&hv),
        Role::Buddy,
        Channel::Email,
        buddy,
        None,
        "Priya Shah, buddy",
        now(),
    )?;
    let secret = doorstep_server::auth::new_token()?;
    lone_working::add_contact(
        db.as_ref(),
        &team,
        None,
        Role::Team,
        Channel::Webhook,
        &format!("http://127.0.0.1:{hook_port}/alarm"),
        Some(&secret),
        "Alarm-receiving centre (demo receiver)",
        now(),
    )?;
    let mut inbox = Inbox {
        rx,
        secret,
        emails: 0,
        webhooks: 0,
        leaked: false,
    };
    let net = Signal::new();
    let code = admin::issue_code(db.as_ref(), &hv, now(), 15 * 60_000)?;
    let phone = Store::create_enrolled(
        &root.join("phone"),
        UnlockMethods {
            passphrase: Some(Passphrase::new(pass.to_string())),
            provider: None,
        },
        &enrol(&net, &running.url(), &code)?,
        clock.clone(),
    )?;
    let h = phone.add_household(NewHousehold {
        address: ADDRESS.into(),
        ..Default::default()
    })?;
    let child = phone.add_person(NewPerson {
        household_id: h.id,
        role: PersonRole::Child,
        name: CHILD.into(),
        date_of_birth: day.checked_sub_days(chrono::Days::new(200)),
        expected_date: None,
        relationship: None,
    })?;
    let case = phone.open_case(NewCase {
        child_id: child.id,
        plan: PlanType::ChildProtection,
        rag: Rag::Red,
        rag_reason: "Domestic abuse: a risk to visitors noted at the strategy meeting.".into(),
        allocated_to: None,
    })?;
    let visit = phone.plan_visit(NewVisit {
        case_id: case.id,
        kind: VisitKind::UnannouncedHome,
        planned_for: at(day, 13, 30)?,
        expected_minutes: 45,
        departure_reason: None,
    })?;
    phone.sync(&net, None, options())?;
    if human {
        outln!(
            "The administrator named {PRACTITIONER}'s buddy and the team's alarm-receiving centre:"
        );
        outln!("  doorstep-server admin add-lone-contact --team … --practitioner … --role buddy --label 'Priya Shah, buddy' --email {buddy}");
        outln!("  doorstep-server admin add-lone-contact --team … --role team --label 'Alarm-receiving centre' --webhook https://…");
        outln!("The server tells the phone at each sync that a monitor watches its check-ins.");
    }

    clock.set(at(day, 13, 30)?);
    let view = phone.check_in(visit.id)?;
    phone.sync(&net, None, options())?;
    net.set_up(false);
    if human {
        outln!();
        outln!("13:30 {PRACTITIONER} checks in at an unannounced visit (expected 45 minutes); the check-in syncs at the door.");
        outln!(
            "The phone's reminder, shown at {}: {}",
            view.amber_label,
            view.reminder
        );
        outln!("Inside the home there is no signal: the phone cannot sync again.");
    }

    clock.set(at(day, 14, 31)?);
    if human {
        outln!();
        outln!("14:31 amber on the server (45 minutes + 15 minutes' grace): the buddy is emailed.");
    }
    inbox.expect(1, human)?;

    clock.set(at(day, 15, 1)?);
    if human {
        outln!();
        outln!("15:01 red (30 minutes after amber): the team's alarm-receiving centre gets a signed webhook, the buddy a second email.");
    }
    inbox.expect(2, human)?;

    clock.set(at(day, 15, 8)?);
    net.set_up(true);
    phone.checkout_visit(visit.id)?;
    phone.sync(&net, None, options())?;
    if human {
        outln!();
        outln!("15:08 {PRACTITIONER} leaves safely and checks out; the phone syncs: whoever was alerted is told to stand down.");
    }
    inbox.expect(2, human)?;
    drop(running);
    if inbox.leaked {
        bail!("a demo lone-working message held the family's details");
    }
    let seconds = started.elapsed().as_secs_f64();
    if human {
        outln!(
            "{} emails and {} signed webhooks; none holds the family's name or address: the reference (V-…) is looked up in the dashboard.",
            inbox.emails,
            inbox.webhooks
        );
        outln!("Lone-working episode: {seconds:.1} s.");
    }
    Ok(LoneWorkingDemo {
        emails: inbox.emails,
        webhooks: inbox.webhooks,
        family_in_messages: inbox.leaked,
        seconds,
    })
}
