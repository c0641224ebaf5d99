//! The alerts' risk ranking: lone working first; more overdue never ranks lower; adding a risk
//! factor never lowers the rank; the order depends on neither the input order nor the ids; the
//! digest shows the most urgent and counts the rest.
#[path = "planning_common/mod.rs"]
mod common;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use doorstep_core::domain::{CaseId, PlanType, Rag, VisitKind, VisitStatus};
use doorstep_core::planning::*;
use proptest::prelude::*;
use std::cmp::Ordering;

const PLANS: [PlanType; 5] = [
    PlanType::Universal,
    PlanType::TargetedEarlyHelp,
    PlanType::ChildInNeed,
    PlanType::ChildProtection,
    PlanType::LookedAfter,
];
const RAGS: [Rag; 3] = [Rag::Green, Rag::Amber, Rag::Red];

fn now() -> DateTime<Utc> {
    local(2026, 11, 26, 9, 0)
}

fn run(children: &[ChildFacts], policy: &Policy) -> Vec<Alert> {
    alerts(children, policy, &BankHolidays::official(), now()).unwrap()
}

/// A child on a plan with a visiting frequency, last seen `ago` days before `now()`, with the
/// given risk factors.
#[derive(Debug, Clone, Copy)]
struct Kid {
    plan: usize,
    rag: usize,
    ago: i64,
    under_one: bool,
    unanswered: bool,
    not_alone: bool,
    hcp: bool,
}

fn kid() -> impl Strategy<Value = Kid> {
    (
        1usize..5,
        0usize..3,
        1i64..120,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(plan, rag, ago, under_one, unanswered, not_alone, hcp)| Kid {
                plan,
                rag,
                ago,
                under_one,
                unanswered,
                not_alone,
                hcp,
            },
        )
}

fn today() -> NaiveDate {
    doorstep_core::time::local_date(now())
}

fn facts(k: &Kid) -> ChildFacts {
    let mut c = child(PLANS[k.plan], RAGS[k.rag], date(2025, 1, 6));
    let mut v = seen(today() - Duration::days(k.ago), VisitKind::AnnouncedHome);
    v.child_seen_alone = !k.not_alone;
    c.visits.push(v);
    c.date_of_birth = Some(if k.under_one {
        today() - Duration::days(200)
    } else {
        today() - Duration::days(900)
    });
    if k.unanswered {
        c.unanswered_attempts = 2;
    }
    if k.hcp {
        // An older visit that was not answered: history that changes nothing here.
        let mut n = seen(today() - Duration::days(k.ago + 3), VisitKind::Telephone);
        n.status = VisitStatus::NoAccess;
        n.child_seen = false;
        c.visits.push(n);
    }
    c
}

fn not_seen(alerts: &[Alert], case: CaseId) -> Option<&Alert> {
    alerts
        .iter()
        .find(|a| a.case == case && a.kind == AlertKind::ChildNotSeen)
}

/// What an alert shows, without its case id.
fn shown(
    a: &Alert,
) -> (
    AlertKind,
    Priority,
    String,
    Vec<String>,
    Vec<HcpContact>,
    Risk,
    u32,
) {
    (
        a.kind,
        a.priority,
        a.message.clone(),
        a.prompts.clone(),
        a.contacts.clone(),
        a.risk,
        a.score,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn more_overdue_never_ranks_lower(k in kid(), more in 1i64..60) {
        let less = facts(&k);
        let later = facts(&Kid { ago: k.ago + more, ..k });
        let a = run(&[less.clone(), later.clone()], &Policy::default());
        if let (Some(x), Some(y)) = (not_seen(&a, later.case), not_seen(&a, less.case)) {
            prop_assert_ne!(rank(x, y), Ordering::Greater, "{:?} ranks below {:?}", x, y);
            let px = a.iter().position(|z| z == x);
            let py = a.iter().position(|z| z == y);
            prop_assert!(px < py);
        }
        // Overdue at all implies overdue when later.
        if not_seen(&a, less.case).is_some() {
            prop_assert!(not_seen(&a, later.case).is_some());
        }
    }

    #[test]
    fn adding_a_risk_factor_never_lowers_the_rank(k in kid(), which in 0usize..3) {
        let before = facts(&k);
        let with = match which {
            0 => Kid { under_one: true, ..k },
            1 => Kid { unanswered: true, ..k },
            _ => Kid { not_alone: true, ..k },
        };
        let mut after = facts(&with);
        after.case = before.case;
        let p = Policy::default();
        let (a, b) = (run(&[before], &p), run(&[after], &p));
        for x in &a {
            // The same problem, with the factor added, ranks no lower.
            if let Some(y) = b.iter().find(|y| y.kind == x.kind) {
                prop_assert_ne!(rank(y, x), Ordering::Greater, "{:?} vs {:?}", y, x);
                prop_assert!(y.score >= x.score);
            }
        }
    }

    #[test]
    fn a_higher_plan_or_rating_never_lowers_the_score(
        plan in 0usize..5, rag in 0usize..3, late in 0u32..5_000, under_one in any::<bool>(),
    ) {
        let base = Risk { lateness_permille: late, under_one, ..Risk::of(PLANS[plan], RAGS[rag]) };
        let redder = Risk { rag: RAGS[(rag + 1).min(2)], ..base };
        prop_assert!(redder.points() >= base.points());
        let later = Risk { lateness_permille: late + 100, ..base };
        prop_assert!(later.points() >= base.points());
        // Child protection outranks every other plan, and each plan at least universal services.
        let cp = Risk { plan: PlanType::ChildProtection, ..base };
        let uni = Risk { plan: PlanType::Universal, ..base };
        prop_assert!(cp.points() >= base.points() && base.points() >= uni.points());
    }

    #[test]
    fn the_order_depends_on_neither_input_order_nor_ids(
        kids in proptest::collection::vec(kid(), 1..12), seed in any::<u64>(),
    ) {
        let policy = Policy::health_visiting();
        let first: Vec<ChildFacts> = kids.iter().map(facts).collect();
        // The same children in another order with new ids.
        let mut second: Vec<ChildFacts> = first
            .iter()
            .map(|c| ChildFacts { case: CaseId::random(), ..c.clone() })
            .collect();
        let n = second.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            second.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a: Vec<_> = run(&first, &policy).iter().map(shown).collect();
        let b: Vec<_> = run(&second, &policy).iter().map(shown).collect();
        prop_assert_eq!(a, b);
    }
}

fn alert(kind: AlertKind, score: u32) -> Alert {
    Alert {
        kind,
        priority: priority_of(kind, score),
        case: CaseId::random(),
        message: String::new(),
        prompts: Vec::new(),
        contacts: Vec::new(),
        risk: Risk::of(PlanType::Universal, Rag::Green),
        score,
    }
}

#[test]
fn lone_working_comes_first_whatever_the_score() {
    let mut list = [
        alert(AlertKind::ChildNotSeen, 500),
        alert(AlertKind::LoneWorkerOverdue { red: false }, 0),
        alert(AlertKind::Disengagement, 400),
        alert(AlertKind::LoneWorkerOverdue { red: true }, 0),
    ];
    list.sort_by(rank);
    assert_eq!(list[0].kind, AlertKind::LoneWorkerOverdue { red: true });
    assert_eq!(list[1].kind, AlertKind::LoneWorkerOverdue { red: false });
    assert_eq!(list[2].score, 500);
}

#[test]
fn a_child_protection_child_not_seen_outranks_a_universal_child_however_many() {
    let mut cp = child(PlanType::ChildProtection, Rag::Red, date(2026, 1, 5));
    cp.visits
        .push(seen(date(2026, 11, 16), VisitKind::AnnouncedHome));
    let mut kids = vec![cp.clone()];
    for _ in 0..30 {
        let mut u = child(PlanType::Universal, Rag::Green, date(2025, 1, 1));
        u.date_of_birth = Some(date(2025, 1, 10));
        kids.push(u);
    }
    let a = run(&kids, &Policy::health_visiting());
    assert_eq!(a[0].case, cp.case, "{:?}", a[0]);
    assert_eq!(a[0].kind, AlertKind::ChildNotSeen);
    assert_eq!(a[0].priority, Priority::High);
    assert!(a[0]
        .risk
        .factors()
        .contains(&"child protection plan".to_string()));
}

#[test]
fn the_digest_shows_ten_and_counts_the_rest_per_kind() {
    let mut list: Vec<Alert> = (0..14)
        .map(|i| alert(AlertKind::MandatedContactMissed, 100 - i))
        .chain((0..3).map(|i| alert(AlertKind::RecordLate, 10 - i)))
        .collect();
    list.sort_by(rank);
    let d = digest(list, |a| a.kind, DIGEST_TOP);
    assert_eq!(d.top.len(), 10);
    assert_eq!(d.total, 17);
    assert_eq!(
        d.more,
        vec![
            KindCount {
                kind: AlertKind::MandatedContactMissed,
                count: 4
            },
            KindCount {
                kind: AlertKind::RecordLate,
                count: 3
            },
        ]
    );
    // Every lone-working alert is shown, however many.
    let mut list: Vec<Alert> = (0..12)
        .map(|_| alert(AlertKind::LoneWorkerOverdue { red: true }, 0))
        .chain([alert(AlertKind::ChildNotSeen, 90)])
        .collect();
    list.sort_by(rank);
    let d = digest(list, |a| a.kind, DIGEST_TOP);
    assert_eq!(d.top.len(), 12);
    assert_eq!(
        d.more,
        vec![KindCount {
            kind: AlertKind::ChildNotSeen,
            count: 1
        }]
    );
    // Fewer than ten: all shown, nothing counted.
    let d = digest(
        vec![alert(AlertKind::RecordLate, 1)],
        |a| a.kind,
        DIGEST_TOP,
    );
    assert_eq!((d.top.len(), d.more.len(), d.total), (1, 0, 1));
}
