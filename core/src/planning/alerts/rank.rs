//! The risk ranking of alerts: lone working always first, then a documented score made of the
//! child's risk factors, what the alert is about and how late the child is relative to the
//! interval, then fixed tie-breaks that never look at ids (see `docs/PLANNING.md`, "Alerts").

use super::{Alert, AlertKind, Priority};
use crate::domain::{PlanType, Rag};
use std::cmp::Ordering;

/// What about a child and an alert makes it more urgent. Every field only ever raises the rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Risk {
    /// The child's plan.
    pub plan: PlanType,
    /// The child's RAG rating.
    pub rag: Rag,
    /// The child is under one year old, or not yet born.
    pub under_one: bool,
    /// Consecutive no-access or declined visits, or unanswered contact attempts, at the policy's
    /// threshold.
    pub disengaged: bool,
    /// The plan asks for the child to be seen alone and the last face-to-face contact did not see
    /// the child alone, with no reason recorded.
    pub not_seen_alone: bool,
    /// How late, in thousandths of the interval the due date was counted over (0 when the alert
    /// is not about lateness). 1,000 = one whole interval late.
    pub lateness_permille: u32,
    /// How late, in the interval's unit (working or calendar days); for lone working, minutes past
    /// the expected end.
    pub late_by: u32,
}

/// Points for the plan.
pub const PLAN_POINTS: [(PlanType, u32); 5] = [
    (PlanType::ChildProtection, 40),
    (PlanType::LookedAfter, 35),
    (PlanType::ChildInNeed, 25),
    (PlanType::TargetedEarlyHelp, 10),
    (PlanType::Universal, 0),
];
/// Points for the RAG rating: red, amber, green.
pub const RAG_POINTS: [u32; 3] = [30, 15, 0];
/// Points for a child under one (or unborn).
pub const UNDER_ONE_POINTS: u32 = 15;
/// Points for disengagement.
pub const DISENGAGED_POINTS: u32 = 20;
/// Points for a child not seen alone at the last face-to-face contact.
pub const NOT_SEEN_ALONE_POINTS: u32 = 10;
/// Points for lateness: this many per whole interval late ...
pub const LATENESS_POINTS_PER_INTERVAL: u32 = 30;
/// ... counted up to this many intervals (in thousandths): beyond it, further lateness orders
/// alerts only within an equal score.
pub const LATENESS_CAP_PERMILLE: u32 = 2_000;
/// From this score an alert is `High` ...
pub const HIGH_FROM: u32 = 70;
/// ... and from this one `Medium`; below it `Low`.
pub const MEDIUM_FROM: u32 = 30;

impl Risk {
    /// The risk of a child on `plan` rated `rag`, with no other factor.
    pub fn of(plan: PlanType, rag: Rag) -> Self {
        Self {
            plan,
            rag,
            under_one: false,
            disengaged: false,
            not_seen_alone: false,
            lateness_permille: 0,
            late_by: 0,
        }
    }

    /// The points of the child's risk factors and the lateness (not the alert's kind).
    pub fn points(&self) -> u32 {
        let plan = PLAN_POINTS
            .iter()
            .find(|(p, _)| *p == self.plan)
            .map_or(0, |(_, n)| *n);
        let rag = match self.rag {
            Rag::Red => RAG_POINTS[0],
            Rag::Amber => RAG_POINTS[1],
            Rag::Green => RAG_POINTS[2],
        };
        let flag = |on: bool, n: u32| if on { n } else { 0 };
        let late = self.lateness_permille.min(LATENESS_CAP_PERMILLE) * LATENESS_POINTS_PER_INTERVAL
            / 1_000;
        plan + rag
            + flag(self.under_one, UNDER_ONE_POINTS)
            + flag(self.disengaged, DISENGAGED_POINTS)
            + flag(self.not_seen_alone, NOT_SEEN_ALONE_POINTS)
            + late
    }

    /// The risk factors in words, most weighty first ("child protection plan", "RAG red",
    /// "under one", ...), for "why is this near the top?".
    pub fn factors(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.plan {
            PlanType::ChildProtection => out.push("child protection plan".to_string()),
            PlanType::LookedAfter => out.push("looked-after child".to_string()),
            PlanType::ChildInNeed => out.push("child in need plan".to_string()),
            PlanType::TargetedEarlyHelp => out.push("early help".to_string()),
            PlanType::Universal => {}
        }
        match self.rag {
            Rag::Red => out.push("RAG red".to_string()),
            Rag::Amber => out.push("RAG amber".to_string()),
            Rag::Green => {}
        }
        if self.lateness_permille > 0 {
            out.push(format!(
                "{}% of the interval late",
                self.lateness_permille.saturating_add(5) / 10
            ));
        }
        if self.disengaged {
            out.push("disengagement".to_string());
        }
        if self.under_one {
            out.push("under one".to_string());
        }
        if self.not_seen_alone {
            out.push("not seen alone".to_string());
        }
        out
    }
}

/// Points for what the alert is about (lone working is ranked apart, above everything).
pub fn kind_points(kind: AlertKind, high: bool) -> u32 {
    match kind {
        AlertKind::LoneWorkerOverdue { .. } => 0,
        AlertKind::ChildNotSeen => 30,
        AlertKind::Disengagement => 25,
        AlertKind::VisitOverdue => 20,
        AlertKind::NotSeenAlone => 15,
        AlertKind::PregnancyNoAntenatal if high => 25,
        AlertKind::PregnancyNoAntenatal => 15,
        AlertKind::MandatedContactMissed => 20,
        AlertKind::DepartureWithoutReason => 10,
        AlertKind::RecordLate if high => 5,
        AlertKind::RecordLate => 0,
    }
}

/// The fixed order of kinds when everything else is equal (and of the digest's counts).
pub fn kind_order(kind: AlertKind) -> u8 {
    match kind {
        AlertKind::LoneWorkerOverdue { red: true } => 0,
        AlertKind::LoneWorkerOverdue { red: false } => 1,
        AlertKind::ChildNotSeen => 2,
        AlertKind::Disengagement => 3,
        AlertKind::VisitOverdue => 4,
        AlertKind::NotSeenAlone => 5,
        AlertKind::PregnancyNoAntenatal => 6,
        AlertKind::MandatedContactMissed => 7,
        AlertKind::DepartureWithoutReason => 8,
        AlertKind::RecordLate => 9,
    }
}

/// The band of a score (lone working has its own: amber `Urgent`, red `Critical`).
pub fn priority_of(kind: AlertKind, score: u32) -> Priority {
    match kind {
        AlertKind::LoneWorkerOverdue { red: true } => Priority::Critical,
        AlertKind::LoneWorkerOverdue { red: false } => Priority::Urgent,
        _ if score >= HIGH_FROM => Priority::High,
        _ if score >= MEDIUM_FROM => Priority::Medium,
        _ => Priority::Low,
    }
}

fn lone(kind: AlertKind) -> u8 {
    match kind {
        AlertKind::LoneWorkerOverdue { red: true } => 2,
        AlertKind::LoneWorkerOverdue { red: false } => 1,
        _ => 0,
    }
}

/// The child's factors for breaking a tie of equal scores, weightiest first (larger = more
/// urgent).
fn factors_key(r: &Risk) -> (u32, u32, bool, bool, bool) {
    let plan = Risk::of(r.plan, Rag::Green).points();
    let rag = Risk::of(PlanType::Universal, r.rag).points();
    (plan, rag, r.disengaged, r.under_one, r.not_seen_alone)
}

/// The ranking: `Less` when `a` is more urgent than `b`. Lone working first (red before amber,
/// longest overdue first); then the higher score; then the greater lateness relative to the
/// interval and in days; then the kind's fixed order; then the child's factors (plan, RAG,
/// disengagement, under one, not seen alone); then the words (dates and counts only). No id takes
/// part, so the order depends neither on ids nor on the order the facts came in.
pub fn rank(a: &Alert, b: &Alert) -> Ordering {
    lone(b.kind)
        .cmp(&lone(a.kind))
        .then(b.score.cmp(&a.score))
        .then(b.risk.lateness_permille.cmp(&a.risk.lateness_permille))
        .then(b.risk.late_by.cmp(&a.risk.late_by))
        .then(kind_order(a.kind).cmp(&kind_order(b.kind)))
        .then(factors_key(&b.risk).cmp(&factors_key(&a.risk)))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.prompts.cmp(&b.prompts))
}

/// How many alerts the digest shows in full (lone-working alerts are always shown, however many).
pub const DIGEST_TOP: usize = 10;

/// How many more alerts of one kind the digest did not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KindCount {
    /// The kind.
    pub kind: AlertKind,
    /// How many alerts of it were not shown.
    pub count: usize,
}

/// The most urgent alerts in full, and a count of the rest per kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Digest<T> {
    /// The most urgent, in rank order.
    pub top: Vec<T>,
    /// The rest, counted per kind, in the kinds' fixed order.
    pub more: Vec<KindCount>,
    /// Every alert, shown or not.
    pub total: usize,
}

/// The digest of `ranked` (already in rank order): the first `top` alerts, every lone-working
/// alert among them whatever `top` is, and the count of the rest per kind.
pub fn digest<T>(ranked: Vec<T>, kind: impl Fn(&T) -> AlertKind, top: usize) -> Digest<T> {
    let total = ranked.len();
    let lone_count = ranked.iter().filter(|a| lone(kind(a)) > 0).count();
    let mut shown = ranked;
    let rest = shown.split_off(top.max(lone_count).min(total));
    let mut more: Vec<KindCount> = Vec::new();
    for a in &rest {
        let k = kind(a);
        match more.iter_mut().find(|c| c.kind == k) {
            Some(c) => c.count += 1,
            None => more.push(KindCount { kind: k, count: 1 }),
        }
    }
    more.sort_by_key(|c| kind_order(c.kind));
    Digest {
        top: shown,
        more,
        total,
    }
}
