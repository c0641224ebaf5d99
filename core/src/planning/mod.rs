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
mod policy;
mod random;
mod scheduler;

pub use alerts::{
    alerts, alerts_with, digest, hcp_name, kind_order, lone_working_deadlines, priority_of, rank,
    Alert, AlertKind, CheckInState, CheckInSync, Digest, KindCount, LoneWorking, Priority, Risk,
    DIGEST_TOP,
};
pub use calendar::{
    Appointment, BankHolidays, DayHours, Leave, PractitionerCalendar, WorkingPattern,
};
pub use due::{due_items, ContactRequirement, DueItem, DueStatus, HcpContact, Requirement};
pub use error::PlanningError;
pub use facts::{ChildFacts, PregnancyFact, VisitFact};
pub use policy::{Capacity, Interval, IntervalUnit, PlanRule, Policy, RagRule};
pub use random::{RandomSource, SystemRandomSource};
pub use scheduler::{plan, priority, Plan, PlanRequest, PlannedSlot, Shortfall};
