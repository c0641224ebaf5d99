//! Authorship end to end, phones and the reference server over real HTTP: a note whose author the
//! server does not vouch for is parked on the phone as needing attention (the rest of the queue
//! still goes), and a phone that receives a note whose author fields disagree with what the
//! server vouched reports it in `verify`.

use doorstep_core::domain::{Agency, PractitionerId};
use doorstep_core::store::ChainProblem;
use doorstep_core::sync::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use doorstep_server::admin;
use doorstep_server::db::{with_tx, Val};
use doorstep_tests::sync_env::{quick, transport};
use doorstep_tests::sync_world::{family, World};

#[test]
fn a_note_the_server_will_not_vouch_for_is_parked_and_the_rest_is_sent() {
    let w = World::new(false);
    let sw = w.practitioner("Sam Social", Agency::SocialCare);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    // The name the phone writes notes under is no longer the server's (renamed by an
    // administrator after enrolment, or a tampered store): the server will not vouch for it.
    with_tx(w.db.as_ref(), |tx| {
        tx.exec(
            "UPDATE practitioners SET name = 'Samantha Social' WHERE id = $1",
            &[Val::from(sw.as_str())],
        )
    })
    .unwrap();
    let note = a.add_note(case, "Seen at home with mum.", false).unwrap();
    let r = a.sync(&transport(), None, quick()).unwrap();
    assert_eq!(r.parked, 1, "{r:?}");
    assert_eq!(r.progress.remaining, 0, "the rest of the queue went");
    let parked = a.queue_status().unwrap().parked;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].op.record_id, note.id.0);
    assert_eq!(parked[0].parked.as_ref().unwrap().code, "wrong_author");
    assert_eq!(
        w.query("SELECT id FROM records WHERE kind = 'note'").len(),
        0,
        "nothing applied"
    );
}

/// A transport that rewrites what the server vouched on every pulled change (a meddling proxy, or
/// what a forged note would look like next to the server's word).
struct Meddling {
    to: PractitionerId,
}

impl Transport for Meddling {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let pull = request.url.contains("/v1/changes");
        let mut resp = transport().send(request)?;
        if pull {
            let mut page: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
            for c in page["changes"].as_array_mut().unwrap() {
                if c["op"]["kind"] == "note" {
                    c["vouched"] = serde_json::json!(self.to);
                }
            }
            resp.body = serde_json::to_vec(&page).unwrap();
        }
        Ok(resp)
    }
}

#[test]
fn verify_reports_a_received_note_whose_author_the_server_did_not_vouch_for() {
    let w = World::new(false);
    let sw = w.practitioner("Sam Social", Agency::SocialCare);
    let hv = w.practitioner("Hana Health", Agency::HealthVisiting);
    let a = w.device(&sw, "a");
    let (_, case) = family(&a, 1, false);
    a.add_note(case, "Seen at home with mum.", false).unwrap();
    assert_eq!(a.sync(&transport(), None, quick()).unwrap().parked, 0);
    admin::allocate(w.db.as_ref(), &case.to_string(), &hv, false, w.now()).unwrap();
    // Honestly delivered, the note verifies.
    let b = w.device(&hv, "b");
    b.sync(&transport(), None, quick()).unwrap();
    assert!(b.verify().unwrap().is_ok(), "{:?}", b.verify().unwrap());
    // Delivered with another practitioner as the server's word: verify says so.
    let c = w.device(&hv, "c");
    c.sync(
        &Meddling {
            to: PractitionerId::random(),
        },
        None,
        quick(),
    )
    .unwrap();
    let report = c.verify().unwrap();
    assert!(
        report
            .chain_breaks
            .iter()
            .any(|b| b.problem == ChainProblem::AuthorMismatch),
        "{report:?}"
    );
}
