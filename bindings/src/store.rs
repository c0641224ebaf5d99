//! `DoorstepStore`: the one object an app opens. Each method converts its arguments, calls the
//! core and converts the answer; nothing else. Safe to call from any thread: a sync holds the
//! store's lock only between network requests, so the screens' reads are never blocked for the
//! length of a sync.

use crate::error::DoorstepError;
use crate::foreign::Transport;
use crate::foreign::{
    DataObserver, ForeignClock, ForeignDataObserver, ForeignKeys, ForeignObserver,
    ForeignTransport, KeyProvider, SyncObserver, WallClock,
};
use crate::types::*;
use doorstep_core::crypto::Passphrase;
use doorstep_core::domain::{
    CaseId, HouseholdId, NewCase, NewHousehold, NewPerson, NewPractitioner, NewVisit, NoteId,
    PersonId, UnsuccessfulVisit, VisitId,
};
use doorstep_core::store::SyncOptions;
use doorstep_core::view::field_message;
use doorstep_core::view::input::{parse_millis, parse_optional_uk_date};
use doorstep_core::{Clock, Store, StoreError, SystemClock, UnlockMethods};
use std::path::Path;
use std::sync::{Arc, RwLock};
use zeroize::Zeroizing;

type Result<T> = std::result::Result<T, DoorstepError>;

/// An open Doorstep store: the practitioner's encrypted caseload on this phone.
#[derive(uniffi::Object)]
pub struct DoorstepStore {
    store: RwLock<Option<Arc<Store>>>,
}

/// A passphrase as the apps send it: UTF-8 bytes (from a `CharArray` / `[UInt8]` the app wipes),
/// wiped here once the core holds it.
fn passphrase(bytes: Vec<u8>) -> Result<Passphrase> {
    let bytes = Zeroizing::new(bytes);
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Passphrase::new(text.to_owned())),
        Err(_) => Err(doorstep_core::domain::InputError::Invalid {
            field: "passphrase",
            reason: "is not valid text",
        }
        .into()),
    }
}

fn methods(
    passphrase: Option<Vec<u8>>,
    key_provider: Option<Arc<dyn KeyProvider>>,
) -> Result<UnlockMethods> {
    Ok(UnlockMethods {
        passphrase: passphrase.map(self::passphrase).transpose()?,
        provider: key_provider
            .map(|k| ForeignKeys::new(k) as Arc<dyn doorstep_core::crypto::KeyProvider>),
    })
}

/// The phone's clock if the app gave one, else the system clock.
fn clock(clock: Option<Arc<dyn WallClock>>) -> Arc<dyn Clock> {
    match clock {
        Some(c) => Arc::new(ForeignClock(c)),
        None => Arc::new(SystemClock),
    }
}

/// A count from the apps (signed, as Kotlin and Swift count), checked to be in `range`.
fn count_in(
    field: &'static str,
    value: i32,
    range: std::ops::RangeInclusive<u32>,
    reason: &'static str,
) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| doorstep_core::domain::InputError::Invalid { field, reason }.into())
}

/// A count from the core, for the apps (never silently cut: a count beyond `i32` reads as the
/// largest).
fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn saved(r: doorstep_core::store::VisitRecorded) -> VisitSaved {
    VisitSaved {
        visit_id: r.visit.id,
        status: r.visit.status,
        warnings: r.warnings.iter().map(field_message).collect(),
        consecutive_no_access: i32::try_from(r.consecutive_no_access).unwrap_or(i32::MAX),
    }
}

impl DoorstepStore {
    fn wrap(store: Store) -> Arc<Self> {
        Arc::new(Self {
            store: RwLock::new(Some(Arc::new(store))),
        })
    }

    fn unsuccessful(
        &self,
        visit: VisitId,
        reason: String,
        follow_up_action: String,
        record: fn(
            &Store,
            VisitId,
            UnsuccessfulVisit,
        ) -> std::result::Result<doorstep_core::store::VisitRecorded, StoreError>,
    ) -> Result<VisitSaved> {
        let what = UnsuccessfulVisit {
            reason,
            follow_up_action,
        };
        let store = self.get()?;
        Ok(saved(record(&store, visit, what)?))
    }

    fn get(&self) -> Result<Arc<Store>> {
        let guard = self.store.read().map_err(|_| DoorstepError::Storage {
            reason: "The store is unavailable: reopen it".into(),
        })?;
        guard.clone().ok_or_else(|| DoorstepError::NoStore {
            reason: "The store was wiped".into(),
        })
    }
}

#[uniffi::export]
impl DoorstepStore {
    /// Creates a new store in `dir` for a practitioner working without a sync server, unlocked.
    /// Give a passphrase, a platform key provider, or both.
    /// `passphrase` is UTF-8 bytes (wiped here); `clock` is the phone's clock if the app gives one.
    #[uniffi::constructor(default(clock = None))]
    pub fn create(
        dir: String,
        practitioner: PractitionerInput,
        passphrase: Option<Vec<u8>>,
        key_provider: Option<Arc<dyn KeyProvider>>,
        clock: Option<Arc<dyn WallClock>>,
    ) -> Result<Arc<Self>> {
        let store = Store::create(
            Path::new(&dir),
            methods(passphrase, key_provider)?,
            NewPractitioner {
                name: practitioner.name,
                agency: practitioner.agency,
                team: practitioner.team,
            },
            self::clock(clock),
        )?;
        Ok(Self::wrap(store))
    }

    /// Enrols this phone with a sync server using a one-time code from an administrator, then
    /// creates its store in `dir`, unlocked.
    #[uniffi::constructor(default(clock = None))]
    pub fn enrol(
        dir: String,
        server_url: String,
        code: String,
        transport: Arc<dyn Transport>,
        passphrase: Option<Vec<u8>>,
        key_provider: Option<Arc<dyn KeyProvider>>,
        clock: Option<Arc<dyn WallClock>>,
    ) -> Result<Arc<Self>> {
        let methods = methods(passphrase, key_provider)?;
        // Refuse what would fail before the one-time code is spent.
        Store::check_can_create(Path::new(&dir), &methods)?;
        let enrolment =
            doorstep_core::store::enrol(&ForeignTransport(transport), &server_url, &code)?;
        let store =
            Store::create_enrolled(Path::new(&dir), methods, &enrolment, self::clock(clock))?;
        Ok(Self::wrap(store))
    }

    /// Opens the store in `dir`, locked.
    #[uniffi::constructor(default(clock = None))]
    pub fn open(dir: String, clock: Option<Arc<dyn WallClock>>) -> Result<Arc<Self>> {
        let store = match clock {
            None => Store::open_default(Path::new(&dir))?,
            Some(c) => Store::open(Path::new(&dir), self::clock(Some(c)))?,
        };
        Ok(Self::wrap(store))
    }

    /// Unlocks with the passphrase, UTF-8 bytes wiped here (slow on purpose: run it off the main
    /// thread).
    pub fn unlock_with_passphrase(&self, passphrase: Vec<u8>) -> Result<()> {
        let p = self::passphrase(passphrase)?;
        Ok(self.get()?.unlock_with_passphrase(&p)?)
    }

    /// How this store can be unlocked (works while locked).
    pub fn unlock_options(&self) -> Result<UnlockOptions> {
        let store = self.get()?;
        let (passphrase, key_provider) = store.unlock_methods();
        Ok(UnlockOptions {
            passphrase,
            key_provider,
            background_sync: store.has_background_key(),
        })
    }

    /// Sets up (or replaces) the background-sync key: a platform key usable while the device is
    /// unlocked, without the practitioner (Android Keystore with unlocked-device-required and no
    /// user authentication; an iOS Keychain key available after first unlock). It lets WorkManager
    /// or BGTaskScheduler sync while the app is locked; it never opens the screens.
    pub fn set_background_key_provider(&self, key_provider: Arc<dyn KeyProvider>) -> Result<()> {
        Ok(self
            .get()?
            .set_background_key_provider(ForeignKeys::new(key_provider))?)
    }

    /// Removes the background-sync key: sync then runs only while the app is unlocked.
    pub fn clear_background_key_provider(&self) -> Result<()> {
        Ok(self.get()?.clear_background_key_provider()?)
    }

    /// Opens the store for a background sync with the background-sync key: only `sync` works;
    /// everything else answers `Locked`. Call `end_background_sync` after the sync.
    /// `KeyInvalidated` means the background key is gone: set it up again at the next unlock.
    pub fn unlock_for_background_sync(&self, key_provider: Arc<dyn KeyProvider>) -> Result<()> {
        let keys = ForeignKeys::new(key_provider);
        match self.get()?.unlock_for_background_sync(keys.clone()) {
            Err(StoreError::KeyProvider(_)) if keys.was_invalidated() => {
                Err(DoorstepError::KeyInvalidated {
                    reason: "The phone's background sync key was invalidated: it is set up again \
                             at the next unlock"
                        .into(),
                })
            }
            other => Ok(other?),
        }
    }

    /// Locks the store again after a background sync, unless the practitioner unlocked it
    /// meanwhile.
    pub fn end_background_sync(&self) -> Result<()> {
        self.get()?.end_background_sync();
        Ok(())
    }

    /// Unlocks with the platform key provider. `KeyInvalidated` means the platform key is gone
    /// (biometrics changed): unlock with the passphrase, then `set_key_provider` with a new key.
    pub fn unlock_with_key_provider(&self, key_provider: Arc<dyn KeyProvider>) -> Result<()> {
        let keys = ForeignKeys::new(key_provider);
        match self.get()?.unlock_with_provider(keys.clone()) {
            Err(StoreError::KeyProvider(_)) if keys.was_invalidated() => {
                Err(DoorstepError::KeyInvalidated {
                    reason: "The phone's key for this store was invalidated (for example, \
                             fingerprints changed): unlock with your passphrase and set up the \
                             key again"
                        .into(),
                })
            }
            other => Ok(other?),
        }
    }

    /// Locks the store: the keys are wiped from memory (on going to the background).
    pub fn lock(&self) -> Result<()> {
        self.get()?.lock();
        Ok(())
    }

    /// Whether the store is locked.
    pub fn is_locked(&self) -> Result<bool> {
        Ok(self.get()?.is_locked())
    }

    /// Changes the passphrase (the store must be unlocked); both UTF-8 bytes, wiped here.
    pub fn change_passphrase(&self, old: Vec<u8>, new: Vec<u8>) -> Result<()> {
        let (old, new) = (passphrase(old)?, passphrase(new)?);
        Ok(self.get()?.change_passphrase(&old, &new)?)
    }

    /// Rotates the data key (unlocked): a new key wrapped by the passphrase and / or the key
    /// provider given (a slot not given is dropped; the background-sync key is set up again
    /// afterwards), every record and queued change re-sealed under it, the old key forgotten.
    /// Resumed by the next unlock if the app is killed meanwhile. Returns the records re-sealed.
    pub fn rotate_data_key(
        &self,
        passphrase: Option<Vec<u8>>,
        key_provider: Option<Arc<dyn KeyProvider>>,
    ) -> Result<i64> {
        let methods = methods(passphrase, key_provider)?;
        Ok(signed(self.get()?.rotate_data_key(methods, None)?.records))
    }

    /// Sets (or replaces) the platform key provider slot, e.g. after biometrics changed.
    pub fn set_key_provider(&self, key_provider: Arc<dyn KeyProvider>) -> Result<()> {
        Ok(self
            .get()?
            .set_key_provider(ForeignKeys::new(key_provider))?)
    }

    /// Erases the store for good (crypto-shredded). Refused while a sync is running.
    pub fn wipe(&self) -> Result<()> {
        let mut guard = self.store.write().map_err(|_| DoorstepError::Storage {
            reason: "The store is unavailable: reopen it".into(),
        })?;
        let Some(shared) = guard.take() else {
            return Ok(());
        };
        match Arc::try_unwrap(shared) {
            Ok(store) => Ok(store.wipe()?),
            Err(shared) => {
                *guard = Some(shared);
                Err(DoorstepError::Busy {
                    reason: "The store is busy (a sync is running): try again when it finishes"
                        .into(),
                })
            }
        }
    }

    /// Adds a household; returns its id.
    pub fn add_household(&self, household: HouseholdInput) -> Result<HouseholdId> {
        let h = self.get()?.add_household(NewHousehold {
            address: household.address,
            postcode: household.postcode,
            access_notes: household.access_notes,
        })?;
        Ok(h.id)
    }

    /// Adds a person to a household; returns their id.
    pub fn add_person(&self, person: PersonInput) -> Result<PersonId> {
        let p = self.get()?.add_person(NewPerson {
            household_id: person.household_id,
            role: person.role,
            name: person.name,
            date_of_birth: parse_optional_uk_date(
                "date of birth",
                person.date_of_birth.as_deref(),
            )?,
            expected_date: parse_optional_uk_date(
                "expected date",
                person.expected_date.as_deref(),
            )?,
            relationship: person.relationship,
        })?;
        Ok(p.id)
    }

    /// Opens a case for a child; returns its id.
    pub fn open_case(&self, case: CaseInput) -> Result<CaseId> {
        let c = self.get()?.open_case(NewCase {
            child_id: case.child_id,
            plan: case.plan,
            rag: case.rag,
            rag_reason: case.rag_reason,
            allocated_to: None,
        })?;
        Ok(c.id)
    }

    /// Changes a case's RAG rating, with the reason.
    pub fn set_rag(&self, case_id: CaseId, rag: Rag, reason: String) -> Result<()> {
        self.get()?.set_rag(case_id, rag, &reason)?;
        Ok(())
    }

    /// The caseload, red first.
    pub fn caseload(&self) -> Result<Vec<CaseLine>> {
        Ok(self.get()?.caseload_view()?)
    }

    /// The child screen for a case.
    pub fn child(&self, case_id: CaseId) -> Result<ChildView> {
        Ok(self.get()?.child_view(case_id)?)
    }

    /// Plans a visit; returns its id. A video or telephone contact for a child who must be seen
    /// face to face needs a departure reason.
    pub fn plan_visit(&self, visit: VisitInput) -> Result<VisitId> {
        let v = self.get()?.plan_visit(NewVisit {
            case_id: visit.case_id,
            kind: visit.kind,
            planned_for: parse_millis("planned time", visit.planned_for_millis)?,
            expected_minutes: count_in(
                "expected minutes",
                visit.expected_minutes,
                1..=720,
                "must be between 1 and 720",
            )?,
            departure_reason: visit.departure_reason,
        })?;
        Ok(v.id)
    }

    /// Checks in at the door: lone working starts, and the answer gives the times the visit
    /// turns amber and red without a check-out, for the phone's own reminder.
    pub fn check_in(&self, visit: VisitId) -> Result<CheckInView> {
        Ok(self.get()?.check_in(visit)?)
    }

    /// One visit as a line of the day list, whatever its date.
    pub fn visit(&self, visit: VisitId) -> Result<TodayVisit> {
        Ok(self.get()?.visit_line(visit)?)
    }

    /// Checks out safely after a visit.
    pub fn check_out(&self, visit: VisitId) -> Result<()> {
        self.get()?.checkout_visit(visit)?;
        Ok(())
    }

    /// The visit form for the answers so far (`None` for a fresh form). Saves nothing.
    pub fn visit_form(&self, visit: VisitId, answers: Option<VisitAnswers>) -> Result<VisitForm> {
        Ok(self.get()?.visit_form(visit, answers.as_ref())?)
    }

    /// Records a completed visit. Blocking messages refuse the save (`ValidationFailed`);
    /// warnings come back with the saved visit.
    pub fn complete_visit(&self, visit: VisitId, answers: VisitAnswers) -> Result<VisitSaved> {
        let outcome = answers.to_outcome()?;
        Ok(saved(self.get()?.complete_visit(visit, outcome)?))
    }

    /// Records that nobody answered or the practitioner could not get in.
    pub fn record_no_access(
        &self,
        visit: VisitId,
        reason: String,
        follow_up_action: String,
    ) -> Result<VisitSaved> {
        self.unsuccessful(visit, reason, follow_up_action, Store::record_no_access)
    }

    /// Records that the family declined the visit.
    pub fn record_declined(
        &self,
        visit: VisitId,
        reason: String,
        follow_up_action: String,
    ) -> Result<VisitSaved> {
        self.unsuccessful(visit, reason, follow_up_action, Store::record_declined)
    }

    /// Cancels a visit, with the reason and what happens instead.
    pub fn cancel_visit(
        &self,
        visit: VisitId,
        reason: String,
        follow_up_action: String,
    ) -> Result<VisitSaved> {
        self.unsuccessful(visit, reason, follow_up_action, Store::cancel_visit)
    }

    /// Appends a case note; returns its id.
    pub fn add_note(&self, case_id: CaseId, text: String, significant: bool) -> Result<NoteId> {
        let n = self.get()?.add_note(case_id, &text, significant)?;
        Ok(n.id)
    }

    /// Amends a note (the original is kept); returns the amendment's id.
    pub fn amend_note(
        &self,
        note_id: NoteId,
        text: String,
        significant: Option<bool>,
    ) -> Result<NoteId> {
        let n = self.get()?.amend_note(note_id, &text, significant)?;
        Ok(n.id)
    }

    /// Sets what is marked "share with family" on a visit (replacing its marks).
    pub fn set_family_share(&self, visit: VisitId, share: FamilyShareInput) -> Result<()> {
        self.get()?.set_family_share(visit, share.to_share()?)?;
        Ok(())
    }

    /// What is marked "share with family" on a visit.
    pub fn family_share(&self, visit: VisitId) -> Result<FamilyShareInput> {
        let v = self.get()?.visit(visit)?;
        Ok(FamilyShareInput::from_share(&v.family_share))
    }

    /// The contact, out-of-hours and complaints details printed on family copies.
    pub fn family_copy_settings(&self) -> Result<FamilyCopySettings> {
        Ok(self.get()?.family_copy_settings()?)
    }

    /// Sets the details printed on family copies.
    pub fn set_family_copy_settings(&self, settings: FamilyCopySettings) -> Result<()> {
        Ok(self.get()?.set_family_copy_settings(&settings)?)
    }

    /// Who may be given the family's copy of a visit: the parents and carers in the child's
    /// household, for the practitioner to choose from before the review.
    pub fn family_copy_recipients(&self, visit: VisitId) -> Result<Vec<AdultChoice>> {
        Ok(self.get()?.family_copy_recipients(visit)?)
    }

    /// The review: exactly what the family's copy of a visit will say, for `recipient_id` (a
    /// parent or carer), what is left out and why, and the fingerprint to confirm.
    pub fn family_copy_review(
        &self,
        visit: VisitId,
        recipient_id: PersonId,
    ) -> Result<FamilyCopyReview> {
        let s = self.get()?.family_summary(visit, recipient_id)?;
        Ok(FamilyCopyReview::of(s))
    }

    /// Produces the reviewed copy (refused if it changed since the review) and returns the PDF's
    /// bytes for the print framework or share sheet; the chronology records that it was given.
    pub fn give_family_copy(
        &self,
        visit: VisitId,
        recipient_id: PersonId,
        large_print: bool,
        fingerprint: String,
    ) -> Result<Vec<u8>> {
        let copy = self
            .get()?
            .give_family_copy(visit, recipient_id, large_print, &fingerprint)?;
        Ok(copy.pdf)
    }

    /// A case's notes, newest first, each with its history.
    pub fn notes(&self, case_id: CaseId) -> Result<Vec<NoteThreadLine>> {
        Ok(self.get()?.notes_view(case_id)?)
    }

    /// The "today" screen.
    pub fn today(&self) -> Result<TodayView> {
        Ok(self.get()?.today_view()?)
    }

    /// Every alert, most urgent first by the core's risk ranking (lone working leads).
    pub fn alerts(&self) -> Result<Vec<AlertLine>> {
        Ok(self.get()?.all_alerts_view()?)
    }

    /// The alerts screen: the ten most urgent alerts (and every lone-working alert) in full, and
    /// how many more of each kind.
    pub fn alert_digest(&self) -> Result<AlertsView> {
        Ok(self.get()?.alerts_view()?)
    }

    /// Plans the next `weeks` weeks (unannounced visits timed at random); with `book`, every
    /// slot becomes a planned visit.
    pub fn plan(&self, weeks: i32, book: bool) -> Result<PlanScreen> {
        let weeks = count_in("weeks", weeks, 1..=52, "must be between 1 and 52")?;
        Ok(PlanScreen::build(&self.get()?.plan(weeks, book)?))
    }

    /// Sends every queued change and receives every change since the last sync, through the
    /// platform's HTTP stack, with a few quick retries (the platform's scheduler retries later).
    /// Run it on a background thread; the screens stay usable.
    pub fn sync(
        &self,
        transport: Arc<dyn Transport>,
        observer: Option<Arc<dyn SyncObserver>>,
    ) -> Result<SyncResult> {
        let store = self.get()?;
        let observer = observer.map(ForeignObserver);
        let report = store.sync(
            &ForeignTransport(transport),
            observer
                .as_ref()
                .map(|o| o as &dyn doorstep_core::store::SyncObserver),
            SyncOptions::phone(),
        );
        let report = match report {
            Err(StoreError::Wiped) => {
                // The store erased itself: forget it.
                if let Ok(mut guard) = self.store.write() {
                    *guard = None;
                }
                return Err(StoreError::Wiped.into());
            }
            other => other?,
        };
        Ok(SyncResult {
            sent: signed(report.progress.sent),
            received: signed(report.progress.received),
            remaining: signed(report.progress.remaining),
            refused: signed(report.parked),
            skipped: signed(report.skipped),
            held: signed(report.held),
        })
    }

    /// The sync screen: what is waiting and what needs attention.
    pub fn sync_status(&self) -> Result<SyncStatusView> {
        Ok(self.get()?.sync_status_view()?)
    }

    /// Puts refused changes back in the queue (after the cause was fixed); returns how many.
    pub fn retry_needs_attention(&self) -> Result<i64> {
        Ok(signed(self.get()?.retry_parked()?))
    }

    /// Checks every record, the store digest and the note chains.
    pub fn verify(&self) -> Result<IntegrityReport> {
        let r = self.get()?.verify()?;
        Ok(IntegrityReport {
            ok: r.is_ok(),
            records_checked: signed(r.records_checked),
            tampered: signed(r.tampered.len() as u64),
            chain_breaks: signed(r.chain_breaks.len() as u64),
            digest_ok: r.digest_ok,
            database_ok: r.database_ok,
            unknown_records: signed(r.unknown_records),
            queue_checked: signed(r.queue_checked),
            queue_damaged: signed(r.queue_damaged.len() as u64),
            problems: signed(r.problems()),
        })
    }

    // --- For the phone: drafts, unanswered calls, live screens, reminders -------------------

    /// Saves the answers typed so far on a visit being recorded (sealed, kept on this phone only,
    /// never synced), replacing its previous draft. Call it as the practitioner types; the draft
    /// survives a lock, a killed app and a restart, and goes when the visit is recorded or
    /// `discard_draft` is called.
    pub fn save_draft(&self, visit: VisitId, answers: VisitAnswers) -> Result<()> {
        Ok(self.get()?.save_draft(visit, &answers)?)
    }

    /// The draft of a visit being recorded, if any: give its answers to `visit_form` to resume.
    pub fn draft(&self, visit: VisitId) -> Result<Option<VisitDraft>> {
        Ok(self.get()?.draft(visit)?.map(|d| VisitDraft {
            visit_id: d.visit_id,
            answers: d.answers,
            saved_at_millis: d.saved_at.timestamp_millis(),
        }))
    }

    /// Discards a visit's draft (the practitioner chose to); whether there was one.
    pub fn discard_draft(&self, visit: VisitId) -> Result<bool> {
        Ok(self.get()?.discard_draft(visit)?)
    }

    /// Starts a telephone call with the family, answered just now: a telephone contact planned
    /// for now (the core's usual length for a call), to record with `visit_form` and
    /// `complete_visit` like any contact. `departure_reason` is needed when the child's plan
    /// requires face-to-face visits, as for any planned call.
    pub fn start_answered_call(
        &self,
        case_id: CaseId,
        departure_reason: Option<String>,
    ) -> Result<VisitId> {
        Ok(self
            .get()?
            .start_answered_call(case_id, departure_reason)?
            .id)
    }

    /// Logs a telephone call to the family, just made, that nobody answered: a telephone contact
    /// recorded as no access (it counts towards consecutive unsuccessful contacts and the "stopped
    /// answering" alert). `departure_reason` is needed when the child's plan requires face-to-face
    /// visits, as for any planned call.
    pub fn record_unanswered_call(
        &self,
        case_id: CaseId,
        departure_reason: Option<String>,
        reason: String,
        follow_up_action: String,
    ) -> Result<VisitSaved> {
        let what = UnsuccessfulVisit {
            reason,
            follow_up_action,
        };
        Ok(saved(self.get()?.record_unanswered_call(
            case_id,
            departure_reason,
            what,
        )?))
    }

    /// Sets (or with `None`, removes) the observer told which screens changed after every
    /// change, including each page a sync applies and the end of every sync.
    pub fn set_data_observer(&self, observer: Option<Arc<dyn DataObserver>>) -> Result<()> {
        self.get()?.set_change_observer(observer.map(|o| {
            Arc::new(ForeignDataObserver(o)) as Arc<dyn doorstep_core::store::ChangeObserver>
        }));
        Ok(())
    }

    /// The next instant (UTC milliseconds) at which Today and the alerts change without any
    /// record changing: a check-in turning amber or red, or the day ending. Read the screens
    /// again then.
    pub fn next_alert_change_millis(&self) -> Result<i64> {
        Ok(self.get()?.next_alert_change()?.timestamp_millis())
    }

    /// The lone-working reminders still to fire (amber and red for each open check-in), soonest
    /// first, with their words: schedule them after a check-in, after a reboot and at launch (a
    /// reminder whose time has passed is not returned, so none repeats).
    pub fn lone_working_reminders(&self) -> Result<Vec<LoneWorkingReminder>> {
        Ok(self.get()?.lone_working_reminders()?)
    }
}
