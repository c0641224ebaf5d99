//! Typed errors of the planning module. They never carry identifying data.

/// Why a planning computation could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanningError {
    /// A line of bank-holiday data could not be read.
    #[error("bank holiday data: line {line} is not `YYYY-MM-DD name`")]
    HolidayData {
        /// The 1-based line number.
        line: usize,
    },
    /// Working hours for a weekday start at or after they end, or outside the day.
    #[error("working pattern: hours for weekday {weekday} are not a valid range")]
    WorkingHours {
        /// 0 = Monday.
        weekday: usize,
    },
    /// A policy value is out of range.
    #[error("policy: {0} is out of range")]
    Policy(&'static str),
    /// The planning horizon ends before it starts or is too long.
    #[error("planning horizon is empty or longer than {max_days} days")]
    Horizon {
        /// The longest horizon allowed.
        max_days: u32,
    },
    /// A date computation left the supported range.
    #[error("date out of range")]
    DateOutOfRange,
    /// The random number source failed.
    #[error("random number source failed")]
    Random,
}
