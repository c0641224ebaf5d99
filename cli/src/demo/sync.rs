//! The demo's sync story, on the next day: a reference server on this machine, a social worker's
//! and a health visitor's new devices enrolled with it, a child's history reaching the health
//! visitor when the case is shared, work recorded without signal waiting in the queue, the two
//! devices converging, and a lost device erasing itself when an administrator revokes it.

use super::signal::Signal;
use super::{at, section};
use crate::cmd::chronology::print_chronology;
use crate::cmd::note::print_threads;
use crate::cmd::sync::{print_summary, summary, Summary};
use crate::outln;
use crate::output::short;
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use doorstep_core::crypto::Passphrase;
use doorstep_core::domain::{
    Agency, CaseId, ChronologyFilter, Engagement, NewCase, NewHousehold, NewPerson, NewVisit,
    OthersPresent, PersonId, PersonRole, PlanType, Rag, VisitKind, VisitOutcome,
};
use doorstep_core::store::{enrol, SyncOptions};
use doorstep_core::{Clock, FixedClock, Store, StoreError, UnlockMethods};
use doorstep_server::db::{Backend, SqliteBackend};
use doorstep_server::seal::KeyRing;
use doorstep_server::{admin, spawn_on_loopback, AppState};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The demo social worker, on the server.
pub const SOCIAL_WORKER: &str = "Sam Okafor";
/// The demo health visitor (the practitioner of the demo day), on the server.
pub const HEALTH_VISITOR: &str = "Jordan Ashby";

/// What the sync story showed, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct SyncDemo {
    /// The embedded server's address.
    pub server_url: String,
    /// The supervisor's dashboard on it, and the demo manager's login.
    pub dashboard: super::dashboard::DashboardLogin,
    /// The social worker's first sync.
    pub social_worker_first: Summary,
    /// The health visitor's first sync, after the case was shared.
    pub health_visitor_first: Summary,
    /// Chronology entries the health visitor's device shows after its first sync.
    pub shared_chronology_entries: usize,
    /// The error line of the sync tried without signal.
    pub offline_error: String,
    /// Changes queued on the health visitor's device while without signal.
    pub queued_offline: u64,
    /// The health visitor's sync once signal returned.
    pub health_visitor_back: Summary,
    /// The social worker's second sync.
    pub social_worker_second: Summary,
    /// Whether the social worker's device shows the health visitor's note.
    pub social_worker_sees_note: bool,
    /// The error line of the revoked device's sync.
    pub revoked_error: String,
    /// Whether the revoked device's store files are gone.
    pub revoked_store_erased: bool,
    /// Seconds the sync story took.
    pub seconds: f64,
}

/// Fast retries: the demo's server is on this machine.
fn options() -> SyncOptions {
    SyncOptions {
        max_attempts: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        ..SyncOptions::default()
    }
}

struct Server {
    db: Arc<dyn Backend>,
    url: String,
    clock: Arc<FixedClock>,
}

impl Server {
    fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Issues a code for `practitioner`, enrols a new device with it and creates its store.
    fn device(&self, net: &Signal, practitioner: &str, dir: &Path, pass: &str) -> Result<Store> {
        let code = admin::issue_code(self.db.as_ref(), practitioner, self.now(), 15 * 60_000)?;
        let enrolment = enrol(net, &self.url, &code)?;
        Ok(Store::create_enrolled(
            dir,
            UnlockMethods {
                passphrase: Some(Passphrase::new(pass.to_string())),
                provider: None,
            },
            &enrolment,
            self.clock.clone(),
        )?)
    }
}

/// Runs the sync story in `root` (a new directory inside the demo's store directory).
pub fn show(
    root: &Path,
    pass: &str,
    clock: &Arc<FixedClock>,
    today: NaiveDate,
    human: bool,
) -> Result<SyncDemo> {
    let started = Instant::now();
    let day = today
        .succ_opt()
        .ok_or_else(|| anyhow!("demo date out of range"))?;
    section(
        human,
        "14. Sync, the next day: a reference server on this machine",
    );
    std::fs::create_dir_all(root).map_err(|_| anyhow!("could not create the sync directory"))?;
    clock.set(at(day, 8, 30)?);
    // The server's data key lives in a file of its own (mode 0600), never in the database.
    let key_file = root.join("server.key");
    if !key_file.exists() {
        KeyRing::create_file(&key_file)?;
    }
    let keys = Arc::new(KeyRing::from_file(&key_file)?);
    let db: Arc<dyn Backend> = Arc::new(SqliteBackend::open(&root.join("server.db"), keys)?);
    db.migrate()?;
    let running = spawn_on_loopback(AppState::new(
        db.clone(),
        clock.clone(),
        super::dashboard::server_config(),
    ))?;
    let server = Server {
        db,
        url: running.url(),
        clock: clock.clone(),
    };
    let team = admin::add_team(
        server.db.as_ref(),
        "North Locality multi-agency team (demo)",
    )?;
    let sw = admin::add_practitioner(
        server.db.as_ref(),
        &team,
        SOCIAL_WORKER,
        Agency::SocialCare,
        server.now(),
    )?;
    let hv = admin::add_practitioner(
        server.db.as_ref(),
        &team,
        HEALTH_VISITOR,
        Agency::HealthVisiting,
        server.now(),
    )?;
    let dashboard =
        super::dashboard::announce(server.db.as_ref(), &server.url, &team, server.now(), human)?;
    let net = Signal::new();
    let sw_dir = root.join("social-worker-phone");
    let hv_dir = root.join("health-visitor-phone");
    let a = server.device(&net, &sw, &sw_dir, pass)?;
    let b = server.device(&net, &hv, &hv_dir, pass)?;
    if human {
        outln!(
            "Server listening at {} (SQLite: {}).",
            server.url,
            root.join("server.db").display()
        );
        outln!("An administrator added a team with {SOCIAL_WORKER} (social worker) and {HEALTH_VISITOR} (health visitor),");
        outln!("and issued each a one-time enrolment code for a new device:");
        outln!(
            "  social worker's phone  {} (device {})",
            sw_dir.display(),
            short(a.device_id())
        );
        outln!(
            "  health visitor's phone {} (device {})",
            hv_dir.display(),
            short(b.device_id())
        );
    }

    section(
        human,
        "15. 09:00 the social worker visits a new family and syncs",
    );
    let (child, case) = social_worker_visit(&a, clock, day)?;
    let sw1 = summary(&a.sync(&net, None, options())?, 0);
    if human {
        outln!("Recorded a home visit with a concern, and a significant note, on the social worker's phone.");
        print_summary(&sw1);
    }

    section(
        human,
        "16. 11:00 the case is shared with the health visitor: the history arrives",
    );
    clock.set(at(day, 11, 0)?);
    admin::allocate(
        server.db.as_ref(),
        &case.to_string(),
        &hv,
        false,
        server.now(),
    )?;
    let hv1 = summary(&b.sync(&net, None, options())?, 0);
    let shared = b.chronology(child, &ChronologyFilter::default())?;
    if human {
        outln!(
            "The administrator allocated the case to {HEALTH_VISITOR} as well; their phone synced:"
        );
        print_summary(&hv1);
        outln!("The child's chronology on the health visitor's phone, before their first visit:");
        print_chronology(&shared);
    }

    section(
        human,
        "17. 14:00 the health visitor visits with no signal: the work waits in the queue",
    );
    net.set_up(false);
    health_visitor_visit(&b, clock, day, case)?;
    let offline_error = match b.sync(&net, None, options()) {
        Err(e @ StoreError::Offline(_)) => crate::error::one_line(&e.into()),
        Err(e) => return Err(e.into()),
        Ok(_) => bail!("the demo sync without signal unexpectedly succeeded"),
    };
    let queued = b.queue_status()?.pending;
    if human {
        outln!("Recorded a home visit with a concern, and a note, on the health visitor's phone.");
        outln!("doorstep sync says: error: {offline_error}");
        outln!("Waiting to be sent: {queued} change(s), safe on the phone.");
    }

    section(human, "18. 15:30 signal again: the queue empties");
    clock.set(at(day, 15, 30)?);
    net.set_up(true);
    let hv2 = summary(&b.sync(&net, None, options())?, 0);
    if human {
        print_summary(&hv2);
    }

    section(
        human,
        "19. 16:00 the social worker syncs and reads the health visitor's note",
    );
    clock.set(at(day, 16, 0)?);
    let sw2 = summary(&a.sync(&net, None, options())?, 0);
    let threads = a.notes(case)?;
    let sees_note = threads
        .iter()
        .any(|t| t.original.author_name == HEALTH_VISITOR);
    if human {
        print_summary(&sw2);
        outln!("The case's notes on the social worker's phone:");
        print_threads(&threads);
        outln!("The child's chronology on the social worker's phone:");
        print_chronology(&a.chronology(child, &ChronologyFilter::default())?);
    }

    section(
        human,
        "20. 17:00 a phone is lost: the administrator revokes it",
    );
    clock.set(at(day, 17, 0)?);
    admin::revoke_device(server.db.as_ref(), &b.device_id().to_string(), server.now())?;
    let revoked_error = match b.sync(&net, None, options()) {
        Err(e @ StoreError::Wiped) => crate::error::one_line(&e.into()),
        Err(e) => return Err(e.into()),
        Ok(_) => bail!("the revoked demo device unexpectedly synced"),
    };
    let erased = !doorstep_core::store::exists(&hv_dir)
        && !hv_dir.join("keyring.json").exists()
        && !hv_dir.join(doorstep_core::store::DB_FILE).exists();
    if !erased {
        bail!("the revoked demo device's store is still on disk");
    }
    if human {
        outln!("The health visitor's phone made contact: {revoked_error}.");
        outln!(
            "Its keyring and database are gone from {}; the records stay on the server and the social worker's phone.",
            hv_dir.display()
        );
    }
    drop(running);
    let seconds = started.elapsed().as_secs_f64();
    if human {
        outln!("Sync story: {seconds:.1} s.");
    }
    Ok(SyncDemo {
        server_url: server.url,
        dashboard,
        social_worker_first: sw1,
        health_visitor_first: hv1,
        shared_chronology_entries: shared.len(),
        offline_error,
        queued_offline: queued,
        health_visitor_back: hv2,
        social_worker_second: sw2,
        social_worker_sees_note: sees_note,
        revoked_error,
        revoked_store_erased: erased,
        seconds,
    })
}

/// The social worker's family: a new household, a toddler on a child protection plan, a visit
/// with a concern and a significant note.
fn social_worker_visit(
    a: &Store,
    clock: &FixedClock,
    day: NaiveDate,
) -> Result<(PersonId, CaseId)> {
    clock.set(at(day, 8, 45)?);
    let h = a.add_household(NewHousehold {
        address: "3 Wharf Cottages, Canal Side".into(),
        postcode: Some("ZZ9 4DM".into()),
        access_notes: Some("Side gate; ring twice.".into()),
    })?;
    a.add_person(NewPerson {
        household_id: h.id,
        role: PersonRole::ParentCarer,
        name: "Kerry Pryce".into(),
        date_of_birth: None,
        expected_date: None,
        relationship: Some("mother".into()),
    })?;
    let child = a.add_person(NewPerson {
        household_id: h.id,
        role: PersonRole::Child,
        name: "Ruby Pryce".into(),
        date_of_birth: Some(super::days_before(day, 430)?),
        expected_date: None,
        relationship: Some("daughter".into()),
    })?;
    let case = a.open_case(NewCase {
        child_id: child.id,
        plan: PlanType::ChildProtection,
        rag: Rag::Amber,
        rag_reason: "neglect: home conditions; mother's new partner not known to services".into(),
        allocated_to: None,
    })?;
    clock.set(at(day, 9, 0)?);
    let v = a.plan_visit(NewVisit {
        case_id: case.id,
        kind: VisitKind::AnnouncedHome,
        planned_for: clock.now(),
        expected_minutes: 60,
        departure_reason: None,
    })?;
    a.start_visit(v.id)?;
    clock.set(at(day, 9, 50)?);
    a.complete_visit(
        v.id,
        VisitOutcome {
            child_seen: true,
            child_seen_alone: true,
            sleeping_area_seen: true,
            others_present: Some(OthersPresent::default()),
            engagement: Some(Engagement::Partial),
            concerns: vec!["Little food in the house; cot mattress damp.".into()],
            actions_agreed: vec![
                "Food bank referral today; health visitor to review weight.".into()
            ],
            ..Default::default()
        },
    )?;
    a.checkout_visit(v.id)?;
    a.add_note(
        case.id,
        "Mother says her partner is 'just a friend' who stays sometimes; not seen today.",
        true,
    )?;
    Ok((child.id, case.id))
}

/// The health visitor's visit, recorded without signal: a weight check with a concern, and a note.
fn health_visitor_visit(b: &Store, clock: &FixedClock, day: NaiveDate, case: CaseId) -> Result<()> {
    clock.set(at(day, 14, 0)?);
    let v = b.plan_visit(NewVisit {
        case_id: case,
        kind: VisitKind::AnnouncedHome,
        planned_for: clock.now(),
        expected_minutes: 45,
        departure_reason: None,
    })?;
    b.start_visit(v.id)?;
    clock.set(at(day, 14, 40)?);
    b.complete_visit(
        v.id,
        VisitOutcome {
            child_seen: true,
            child_seen_alone: false,
            not_alone_reason: Some("Toddler: seen with mother present.".into()),
            sleeping_area_seen: true,
            others_present: Some(OthersPresent {
                unknown_adults: 1,
                unknown_descriptions: vec!["man in the kitchen, left when I arrived".into()],
                ..Default::default()
            }),
            engagement: Some(Engagement::Partial),
            concerns: vec!["Weight has dropped from the 50th to the 9th centile.".into()],
            actions_agreed: vec!["GP appointment booked for tomorrow.".into()],
            ..Default::default()
        },
    )?;
    b.checkout_visit(v.id)?;
    b.add_note(
        case,
        "Health visitor: weight faltering; unknown man present at the visit. Told the social worker by phone.",
        true,
    )?;
    Ok(())
}
