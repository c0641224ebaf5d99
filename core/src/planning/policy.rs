//! Visiting policy: every interval is a value with a documented default, because there is no
//! national visiting frequency — local procedures set it.
//!
//! Sources for the defaults (cited again on each field):
//! - \[WT23\] HM Government, *Working Together to Safeguard Children 2023*: no national visiting
//!   frequency; the lead practitioner's visits are set by the child protection plan and local
//!   procedures.
//! - \[LOCAL\] Local child protection procedures, e.g. Liverpool and Central Bedfordshire (10 working
//!   days), others 15 working days or 4-weekly; the common local rules: child seen and spoken to
//!   alone or the reason recorded, bedroom seen on alternate visits, some visits unannounced and at
//!   various times of day, visits recorded within 2 working days; child in need often every 20
//!   working days.
//! - \[CPR10\] *The Care Planning, Placement and Case Review (England) Regulations 2010*, reg. 28:
//!   a looked-after child is visited within 1 week of a placement, then at intervals of not more
//!   than 6 weeks in the first year, then not more than 3 months.
//! - \[HCP\] Department of Health, *Healthy Child Programme: Pregnancy and the first five years*
//!   (2009) and OHID, *Healthy child programme 0 to 19: health visitor and school nurse
//!   commissioning* (2021): five mandated contacts — antenatal from 28 weeks, new birth visit
//!   10–14 days, 6–8 weeks, 9–12 months, 2–2½ years.
//! - \[RAG20\] DfE, *Coronavirus (COVID-19): guidance for children's social care services* (2020) and
//!   councils' lockdown risk assessments: every open case RAG-rated; the rating set contact type
//!   (face to face or virtual) and frequency; departures recorded with reasons.
//! - \[BS8484\] BSI, *BS 8484:2022 Provision of lone worker device services*: a missed check-out
//!   escalates amber then red; a 120-minute visit timer is a common default.

use super::due::ContactRequirement;
use super::{BankHolidays, PlanningError};
use crate::domain::{PlanType, Rag};
use chrono::{Duration, Months, NaiveDate};

/// The unit an interval is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalUnit {
    /// Working days in England and Wales (Monday–Friday, not bank holidays).
    WorkingDays,
    /// Calendar days.
    Days,
    /// Calendar weeks.
    Weeks,
    /// Calendar months (the same day of the month, clamped to its end).
    Months,
}

/// A policy interval such as "10 working days" or "6 weeks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: IntervalUnit,
}

impl Interval {
    /// The interval in words, such as "10 working days" or "1 week".
    pub fn words(self) -> String {
        let unit = match self.unit {
            IntervalUnit::WorkingDays => "working day",
            IntervalUnit::Days => "day",
            IntervalUnit::Weeks => "week",
            IntervalUnit::Months => "month",
        };
        let s = if self.count == 1 { "" } else { "s" };
        format!("{} {unit}{s}", self.count)
    }

    /// `n` working days.
    pub const fn working_days(n: u32) -> Self {
        Self {
            count: n,
            unit: IntervalUnit::WorkingDays,
        }
    }
    /// `n` calendar days.
    pub const fn days(n: u32) -> Self {
        Self {
            count: n,
            unit: IntervalUnit::Days,
        }
    }
    /// `n` weeks.
    pub const fn weeks(n: u32) -> Self {
        Self {
            count: n,
            unit: IntervalUnit::Weeks,
        }
    }
    /// `n` months.
    pub const fn months(n: u32) -> Self {
        Self {
            count: n,
            unit: IntervalUnit::Months,
        }
    }

    /// The date this interval after `from`.
    pub fn after(&self, from: NaiveDate, hol: &BankHolidays) -> Result<NaiveDate, PlanningError> {
        let out = match self.unit {
            IntervalUnit::WorkingDays => return hol.add_working_days(from, self.count),
            IntervalUnit::Days => from.checked_add_signed(Duration::days(i64::from(self.count))),
            IntervalUnit::Weeks => from.checked_add_signed(Duration::weeks(i64::from(self.count))),
            IntervalUnit::Months => from.checked_add_months(Months::new(self.count)),
        };
        out.ok_or(PlanningError::DateOutOfRange)
    }

    /// The date this interval before `from`.
    pub fn before(&self, from: NaiveDate, hol: &BankHolidays) -> Result<NaiveDate, PlanningError> {
        let out = match self.unit {
            IntervalUnit::WorkingDays => return hol.sub_working_days(from, self.count),
            IntervalUnit::Days => from.checked_sub_signed(Duration::days(i64::from(self.count))),
            IntervalUnit::Weeks => from.checked_sub_signed(Duration::weeks(i64::from(self.count))),
            IntervalUnit::Months => from.checked_sub_months(Months::new(self.count)),
        };
        out.ok_or(PlanningError::DateOutOfRange)
    }

    /// `percent` of this interval (rounded down, at least 1 when the count is): working days stay
    /// working days; weeks and months become days (a month counted as 30 days).
    pub fn fraction(&self, percent: u8) -> Self {
        let (count, unit) = match self.unit {
            IntervalUnit::WorkingDays => (u64::from(self.count), IntervalUnit::WorkingDays),
            IntervalUnit::Days => (u64::from(self.count), IntervalUnit::Days),
            IntervalUnit::Weeks => (u64::from(self.count) * 7, IntervalUnit::Days),
            IntervalUnit::Months => (u64::from(self.count) * 30, IntervalUnit::Days),
        };
        let n = (count * u64::from(percent.min(100)) / 100) as u32;
        Self {
            count: if count > 0 { n.max(1) } else { 0 },
            unit,
        }
    }
}

/// The visiting rule of one plan type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "PlanRuleStored")]
pub struct PlanRule {
    /// The longest time between qualifying visits; `None` when the plan sets no frequency.
    pub interval: Option<Interval>,
    /// Which contacts count as a visit.
    pub contact: ContactRequirement,
    /// The child must be seen alone at each visit (or the reason recorded).
    pub see_alone: bool,
    /// The bedroom must be seen at least once in every `n` home visits (2 = alternate visits).
    pub bedroom_every: Option<u32>,
    /// Unannounced visits: how often, and the longest run of announced visits allowed.
    #[serde(default)]
    pub unannounced: Option<UnannouncedRule>,
}

/// A plan rule as stored, including settings saved before the unannounced rule was a draw:
/// those had `unannounced_every: k` ("at least one visit in k"), read as a chance of 1 in k with
/// never more than 2k announced in a row — never fewer unannounced visits than the old rule.
#[derive(serde::Deserialize)]
struct PlanRuleStored {
    interval: Option<Interval>,
    contact: ContactRequirement,
    see_alone: bool,
    bedroom_every: Option<u32>,
    #[serde(default)]
    unannounced: Option<UnannouncedRule>,
    #[serde(default)]
    unannounced_every: Option<u32>,
}

impl From<PlanRuleStored> for PlanRule {
    fn from(s: PlanRuleStored) -> Self {
        let legacy = s.unannounced_every.map(|k| UnannouncedRule {
            percent: (100 / k.max(1)).clamp(1, 100) as u8,
            max_announced_run: k.saturating_mul(2).min(1_000),
        });
        Self {
            interval: s.interval,
            contact: s.contact,
            see_alone: s.see_alone,
            bedroom_every: s.bedroom_every,
            unannounced: s.unannounced.or(legacy),
        }
    }
}

/// How a plan's unannounced visits are chosen. Each qualifying home visit is unannounced with
/// probability `percent`% (a fresh draw from the secure random source), and in every run of
/// visits one position, drawn uniformly from 1 to `max_announced_run + 1` when the run starts, is
/// unannounced whatever the draws say. So no child goes more than `max_announced_run` visits
/// without one, and the guaranteed one is not at the end of the run (which would be a tell).
///
/// The planner is stateless: given `r` announced visits since the last unannounced one, the
/// chance that the next is unannounced is `1 - (1 - p) * (1 - 1 / (N - r))` with
/// `N = max_announced_run + 1` — exactly the chance of the process above given what has happened.
/// The long-run share is higher than `percent` (see [`UnannouncedRule::long_run_share`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnannouncedRule {
    /// The chance, in percent, that any qualifying home visit is unannounced (1 to 100).
    pub percent: u8,
    /// The most announced qualifying home visits in a row (0 = every visit unannounced).
    pub max_announced_run: u32,
}

/// A probability as an exact fraction, drawn without rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chance {
    /// Favourable outcomes.
    pub numerator: u64,
    /// All outcomes (positive).
    pub denominator: u64,
}

impl Chance {
    /// Certain.
    pub const CERTAIN: Self = Self {
        numerator: 1,
        denominator: 1,
    };

    /// The probability as a float (for reports and tests).
    pub fn value(&self) -> f64 {
        self.numerator as f64 / self.denominator.max(1) as f64
    }

    /// Whether it is certain.
    pub fn is_certain(&self) -> bool {
        self.numerator >= self.denominator
    }
}

impl UnannouncedRule {
    /// The chance the next qualifying home visit is unannounced after `run` announced ones.
    pub fn chance_after(&self, run: u32) -> Chance {
        let n = u64::from(self.max_announced_run) + 1;
        let r = u64::from(run);
        if r + 1 >= n {
            return Chance::CERTAIN;
        }
        let left = n - r; // positions still possible for the guaranteed one, >= 2
        let pct = u64::from(self.percent.min(100));
        // 1 - (100 - pct)/100 * (left - 1)/left
        let denominator = 100 * left;
        let numerator = denominator - (100 - pct) * (left - 1);
        Chance {
            numerator,
            denominator,
        }
    }

    /// The long-run share of qualifying home visits that are unannounced under this rule.
    pub fn long_run_share(&self) -> f64 {
        1.0 / self.mean_run_to_unannounced()
    }

    /// The expected number of visits up to and including the next unannounced one.
    pub fn mean_run_to_unannounced(&self) -> f64 {
        let mut survive = 1.0;
        let mut total = 0.0;
        for r in 0..=self.max_announced_run {
            total += survive;
            survive *= 1.0 - self.chance_after(r).value();
        }
        total
    }

    /// The share of unannounced visits among those that follow two or more announced ones: what
    /// "unannounced after two announced" can hope to guess. Its excess over
    /// [`UnannouncedRule::long_run_share`] is the edge any cap on the run unavoidably gives.
    pub fn share_after_two_announced(&self) -> f64 {
        let (mut survive, mut weight, mut hits) = (1.0, 0.0, 0.0);
        for r in 0..=self.max_announced_run {
            let h = self.chance_after(r).value();
            if r >= 2 {
                weight += survive;
                hits += survive * h;
            }
            survive *= 1.0 - h;
        }
        if weight > 0.0 {
            hits / weight
        } else {
            self.long_run_share()
        }
    }
}

impl PlanRule {
    fn none() -> Self {
        Self {
            interval: None,
            contact: ContactRequirement::VirtualAllowed,
            see_alone: false,
            bedroom_every: None,
            unannounced: None,
        }
    }
}

/// What a RAG rating sets: how often and what kind of contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RagRule {
    /// The longest time between contacts.
    pub interval: Interval,
    /// Which contacts count.
    pub contact: ContactRequirement,
}

/// A practitioner's capacity for visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capacity {
    /// Granularity of the slot grid in minutes (default 30).
    pub slot_minutes: u16,
    /// Length of one visit in minutes (default 60).
    pub visit_minutes: u16,
    /// Travel time kept free between visits and around appointments (default 30).
    pub travel_buffer_minutes: u16,
    /// The most visits in one day (default 4).
    pub max_visits_per_day: u16,
}

impl Default for Capacity {
    fn default() -> Self {
        Self {
            slot_minutes: 30,
            visit_minutes: 60,
            travel_buffer_minutes: 30,
            max_visits_per_day: 4,
        }
    }
}

impl Capacity {
    /// Checks the values are usable.
    pub fn validate(&self) -> Result<(), PlanningError> {
        if self.slot_minutes == 0 || self.slot_minutes > 240 {
            return Err(PlanningError::Policy("slot_minutes"));
        }
        if self.visit_minutes == 0 || self.visit_minutes > 720 {
            return Err(PlanningError::Policy("visit_minutes"));
        }
        if self.travel_buffer_minutes > 240 {
            return Err(PlanningError::Policy("travel_buffer_minutes"));
        }
        if self.max_visits_per_day == 0 || self.max_visits_per_day > 24 {
            return Err(PlanningError::Policy("max_visits_per_day"));
        }
        Ok(())
    }
}

/// Child protection: each visit unannounced with a 25% chance, never more than 8 announced in a
/// row; about 36% of visits in the long run ("at least 1 in 3") \[LOCAL\].
pub const CHILD_PROTECTION_UNANNOUNCED: UnannouncedRule = UnannouncedRule {
    percent: 25,
    max_announced_run: 8,
};

/// Child in need (social work): each visit unannounced with a 15% chance, never more than 8
/// announced in a row; about 29% in the long run \[LOCAL\].
pub const CHILD_IN_NEED_UNANNOUNCED: UnannouncedRule = UnannouncedRule {
    percent: 15,
    max_announced_run: 8,
};

fn default_overdue_spread_days() -> u32 {
    3
}

/// Every visiting rule as a value. `Policy::default()` is the social-care default;
/// [`Policy::health_visiting`] the health-visiting one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// Universal: no frequency of its own (the \[HCP\] contacts are the schedule).
    pub universal: PlanRule,
    /// Targeted early help: no statutory frequency; the RAG rule applies \[RAG20\].
    pub targeted_early_help: PlanRule,
    /// Child in need: every 20 working days, face to face, unannounced visits by
    /// [`CHILD_IN_NEED_UNANNOUNCED`] \[LOCAL\].
    pub child_in_need: PlanRule,
    /// Child protection plan: every 10 working days face to face, child seen alone, bedroom on
    /// alternate visits, unannounced visits by [`CHILD_PROTECTION_UNANNOUNCED`] \[WT23\]\[LOCAL\]. (Councils range
    /// from 10 to 15 working days or 4-weekly; change `interval` to match.)
    pub child_protection: PlanRule,
    /// Looked-after child: at least every 6 weeks in the first year of care \[CPR10\].
    pub looked_after: PlanRule,
    /// Looked-after child: first visit within 1 week of each placement \[CPR10\].
    pub lac_placement_visit: Interval,
    /// Looked-after child: after the first year, at least every 3 months \[CPR10\].
    pub lac_after_first_year: Interval,
    /// Red: weekly, face to face \[RAG20\].
    pub rag_red: RagRule,
    /// Amber: fortnightly, face to face \[RAG20\].
    pub rag_amber: RagRule,
    /// Green: monthly, virtual allowed \[RAG20\].
    pub rag_green: RagRule,
    /// The plan types the RAG rule applies to (the stricter of plan and RAG wins). Default: all
    /// but universal, whose schedule is the \[HCP\] contacts.
    pub rag_plans: Vec<PlanType>,
    /// Whether the \[HCP\] mandated contacts are planned (health visiting).
    pub hcp_contacts: bool,
    /// Antenatal contact from this week of pregnancy (default 28) \[HCP\].
    pub antenatal_from_week: u32,
    /// Antenatal contact due by this week of pregnancy (default 36; a local choice, the
    /// programme says only "from 28 weeks").
    pub antenatal_by_week: u32,
    /// New birth visit window after birth, in days (default 10 to 14) \[HCP\].
    pub new_birth_days: (u32, u32),
    /// 6–8 week review window, in weeks \[HCP\].
    pub six_to_eight_weeks: (u32, u32),
    /// 9–12 month review window, in months \[HCP\].
    pub nine_to_twelve_months: (u32, u32),
    /// 2–2½ year review window, in months (24 to 30) \[HCP\].
    pub two_year_months: (u32, u32),
    /// How far ahead an upcoming mandated contact is listed (default 8 weeks).
    pub hcp_lookahead: Interval,
    /// A periodic visit's window opens after this percentage of the interval since the last
    /// visit (default 50), so visits are spread rather than bunched.
    pub window_open_percent: u8,
    /// An overdue unannounced visit is drawn among the practitioner's next this-many working days
    /// (default 3): "as soon as possible" without "first thing tomorrow" \[LOCAL\].
    #[serde(default = "default_overdue_spread_days")]
    pub overdue_spread_days: u32,
    /// "Due soon" this long before the due date (default 2 working days).
    pub due_soon: Interval,
    /// A visit must be recorded within this (default 2 working days) \[LOCAL\].
    pub record_within: Interval,
    /// Lone working: visit timer used when a visit has no expected length (default 120 min)
    /// \[BS8484\].
    pub lone_default_minutes: u32,
    /// Lone working: grace after the expected end before the amber alert (default 15 min).
    pub lone_grace_minutes: u32,
    /// Lone working: minutes after amber before red escalation (default 30) \[BS8484\].
    pub lone_red_after_minutes: u32,
    /// Consecutive no-access or declined visits that prompt professional curiosity (default 2).
    pub disengagement_visits: u32,
    /// Consecutive unanswered contact attempts that prompt professional curiosity (default 2).
    pub disengagement_unanswered: u32,
}

impl Default for Policy {
    fn default() -> Self {
        let f2f = ContactRequirement::FaceToFace;
        Self {
            universal: PlanRule::none(),
            targeted_early_help: PlanRule::none(),
            child_in_need: PlanRule {
                interval: Some(Interval::working_days(20)),
                contact: f2f,
                see_alone: true,
                bedroom_every: None,
                unannounced: Some(CHILD_IN_NEED_UNANNOUNCED),
            },
            child_protection: PlanRule {
                interval: Some(Interval::working_days(10)),
                contact: f2f,
                see_alone: true,
                bedroom_every: Some(2),
                unannounced: Some(CHILD_PROTECTION_UNANNOUNCED),
            },
            looked_after: PlanRule {
                interval: Some(Interval::weeks(6)),
                contact: f2f,
                see_alone: true,
                bedroom_every: None,
                unannounced: None,
            },
            lac_placement_visit: Interval::weeks(1),
            lac_after_first_year: Interval::months(3),
            rag_red: RagRule {
                interval: Interval::weeks(1),
                contact: f2f,
            },
            rag_amber: RagRule {
                interval: Interval::weeks(2),
                contact: f2f,
            },
            rag_green: RagRule {
                interval: Interval::months(1),
                contact: ContactRequirement::VirtualAllowed,
            },
            rag_plans: vec![
                PlanType::TargetedEarlyHelp,
                PlanType::ChildInNeed,
                PlanType::ChildProtection,
                PlanType::LookedAfter,
            ],
            hcp_contacts: false,
            antenatal_from_week: 28,
            antenatal_by_week: 36,
            new_birth_days: (10, 14),
            six_to_eight_weeks: (6, 8),
            nine_to_twelve_months: (9, 12),
            two_year_months: (24, 30),
            hcp_lookahead: Interval::weeks(8),
            window_open_percent: 50,
            overdue_spread_days: default_overdue_spread_days(),
            due_soon: Interval::working_days(2),
            record_within: Interval::working_days(2),
            lone_default_minutes: 120,
            lone_grace_minutes: 15,
            lone_red_after_minutes: 30,
            disengagement_visits: 2,
            disengagement_unanswered: 2,
        }
    }
}

impl Policy {
    /// Health visiting: the \[HCP\] contacts, plus the RAG rule for every non-universal plan
    /// (the health visitor's own frequency for children on plans is local; RAG sets it).
    pub fn health_visiting() -> Self {
        let mut p = Self {
            hcp_contacts: true,
            ..Self::default()
        };
        for rule in [
            &mut p.child_in_need,
            &mut p.child_protection,
            &mut p.looked_after,
        ] {
            rule.interval = None;
            rule.unannounced = None;
            rule.bedroom_every = None;
        }
        // A child on a child protection plan still gets unannounced visits from the health
        // visitor (at the RAG rating's frequency) [LOCAL].
        p.child_protection.unannounced = Some(CHILD_PROTECTION_UNANNOUNCED);
        p
    }

    /// The rule for a plan type.
    pub fn rule(&self, plan: PlanType) -> &PlanRule {
        match plan {
            PlanType::Universal => &self.universal,
            PlanType::TargetedEarlyHelp => &self.targeted_early_help,
            PlanType::ChildInNeed => &self.child_in_need,
            PlanType::ChildProtection => &self.child_protection,
            PlanType::LookedAfter => &self.looked_after,
        }
    }

    /// The kind of contact a child on `plan` rated `rag` must have: the stricter of the plan's
    /// rule and the RAG rating's. Any other kind is a departure that needs a recorded reason.
    pub fn required_contact(&self, plan: PlanType, rag: Rag) -> ContactRequirement {
        let base = self.rule(plan).contact;
        self.rag_rule(plan, rag)
            .map_or(base, |r| base.max(r.contact))
    }

    /// The RAG rule for a rating, when it applies to `plan`.
    pub fn rag_rule(&self, plan: PlanType, rag: Rag) -> Option<&RagRule> {
        if !self.rag_plans.contains(&plan) {
            return None;
        }
        Some(match rag {
            Rag::Red => &self.rag_red,
            Rag::Amber => &self.rag_amber,
            Rag::Green => &self.rag_green,
        })
    }

    /// Checks every value is usable.
    pub fn validate(&self) -> Result<(), PlanningError> {
        if self.antenatal_from_week > self.antenatal_by_week || self.antenatal_by_week > 42 {
            return Err(PlanningError::Policy("antenatal weeks"));
        }
        for (name, (a, b)) in [
            ("new_birth_days", self.new_birth_days),
            ("six_to_eight_weeks", self.six_to_eight_weeks),
            ("nine_to_twelve_months", self.nine_to_twelve_months),
            ("two_year_months", self.two_year_months),
        ] {
            if a > b || b > 10_000 {
                return Err(PlanningError::Policy(name));
            }
        }
        for rule in [
            &self.universal,
            &self.targeted_early_help,
            &self.child_in_need,
            &self.child_protection,
            &self.looked_after,
        ] {
            if rule
                .interval
                .is_some_and(|i| i.count == 0 || i.count > 10_000)
            {
                return Err(PlanningError::Policy("plan interval"));
            }
            if rule.bedroom_every == Some(0) {
                return Err(PlanningError::Policy("every-n-visits"));
            }
            if let Some(u) = rule.unannounced {
                if u.percent == 0 || u.percent > 100 || u.max_announced_run > 1_000 {
                    return Err(PlanningError::Policy("unannounced rule"));
                }
            }
        }
        for r in [&self.rag_red, &self.rag_amber, &self.rag_green] {
            if r.interval.count == 0 || r.interval.count > 10_000 {
                return Err(PlanningError::Policy("rag interval"));
            }
        }
        if self.overdue_spread_days == 0 || self.overdue_spread_days > 20 {
            return Err(PlanningError::Policy("overdue_spread_days"));
        }
        if self.window_open_percent > 100 {
            return Err(PlanningError::Policy("window_open_percent"));
        }
        Ok(())
    }
}
