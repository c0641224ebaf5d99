//! Visit planning: the working calendar of England and Wales, visiting policies with documented
//! defaults, the one definition of "due" and "overdue", a capacity-aware scheduler that times
//! unannounced visits at random without ever costing a child a visit, and the alerts and prompts
//! the shells show.
//!
//! Everything here is pure: the store supplies plain facts ([`ChildFacts`], [`VisitFact`],
//! [`PractitionerCalendar`]) and gets back plain results ([`DueItem`], [`Plan`], [`Alert`]).
//! Times are stored in UTC and planned in Europe/London.

mod alerts;
mod calendar;
mod due;
mod edf;
mod error;
mod facts;
mod grid;
mod patterns;
mod policy;
mod random;
mod round;
mod scheduler;
mod shortfall;

pub use alerts::{
    alerts, alerts_with, digest, hcp_name, kind_order, lone_working_deadlines, priority_of, rank,
    Alert, AlertKind, CheckInState, CheckInSync, Digest, KindCount, LoneWorking, LoneWorkingTimes,
    Priority, Risk, DIGEST_TOP,
};
pub use calendar::{
    rule_holidays, Appointment, BankHolidays, DayHours, HolidaySource, Leave, PractitionerCalendar,
    WorkingPattern, RULES_FROM_YEAR,
};
pub use due::{due_items, ContactRequirement, DueItem, DueStatus, HcpContact, Requirement};
pub use error::PlanningError;
pub use facts::{ChildFacts, PregnancyFact, VisitFact};
pub use patterns::{pattern_warnings, PatternWarning};
pub use policy::{
    Capacity, Chance, Interval, IntervalUnit, PlanRule, Policy, RagRule, UnannouncedRule,
    CHILD_IN_NEED_UNANNOUNCED, CHILD_PROTECTION_UNANNOUNCED,
};
pub use random::{RandomSource, SystemRandomSource};
pub use scheduler::{plan, priority, DrawSummary, Plan, PlanRequest, PlannedSlot};
pub use shortfall::{Shortfall, ShortfallCause};
