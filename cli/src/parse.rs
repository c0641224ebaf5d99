//! Parsing what is typed on the command line into core types, with errors that name the option
//! and never repeat what was typed (it may be personal data).

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, NaiveDate, Utc};
use doorstep_core::domain::{
    Agency, ChronologyKind, Engagement, PersonRole, PlanType, Rag, VisitKind,
};

fn list(codes: impl IntoIterator<Item = &'static str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(", ")
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(option: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow!("{option}: not a valid date, use YYYY-MM-DD"))
}

/// A local (Europe/London) date and time `YYYY-MM-DD HH:MM`, as a UTC instant.
pub fn local_datetime(option: &str, s: &str) -> Result<DateTime<Utc>> {
    let bad = || anyhow!("{option}: not a valid date and time, use \"YYYY-MM-DD HH:MM\"");
    let s = s.trim();
    let (d, t) = s.split_once([' ', 'T']).ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
    let time = chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad())?;
    use chrono::Timelike;
    doorstep_core::time::from_local(date, time.hour(), time.minute()).ok_or_else(bad)
}

/// The first instant of a local date.
pub fn start_of_day(d: NaiveDate) -> Result<DateTime<Utc>> {
    doorstep_core::time::from_local(d, 0, 0).ok_or_else(|| anyhow!("date out of range"))
}

/// The last instant of a local date.
pub fn end_of_day(d: NaiveDate) -> Result<DateTime<Utc>> {
    let next = d.succ_opt().ok_or_else(|| anyhow!("date out of range"))?;
    Ok(start_of_day(next)? - chrono::Duration::nanoseconds(1))
}

/// An agency code.
pub fn agency(s: &str) -> Result<Agency> {
    Agency::from_code(s.trim()).ok_or_else(|| {
        anyhow!(
            "--agency: unknown agency, use one of: {}",
            list(Agency::ALL.iter().map(|a| a.code()))
        )
    })
}

/// A person's role.
pub fn role(s: &str) -> Result<PersonRole> {
    PersonRole::from_code(s.trim()).ok_or_else(|| {
        anyhow!("--role: unknown role, use one of: child, unborn, parent_carer, known_adult")
    })
}

/// A plan type.
pub fn plan(s: &str) -> Result<PlanType> {
    PlanType::from_code(s.trim()).ok_or_else(|| {
        anyhow!(
            "--plan: unknown plan, use one of: {}",
            list(PlanType::ALL.iter().map(|p| p.code()))
        )
    })
}

/// A RAG rating.
pub fn rag(s: &str) -> Result<Rag> {
    Rag::from_code(s.trim().to_lowercase().as_str())
        .ok_or_else(|| anyhow!("--rag: unknown rating, use one of: green, amber, red"))
}

/// A visit kind.
pub fn visit_kind(s: &str) -> Result<VisitKind> {
    VisitKind::from_code(s.trim()).ok_or_else(|| {
        anyhow!(
            "--kind: unknown visit kind, use one of: {}",
            list(VisitKind::ALL.iter().map(|k| k.code()))
        )
    })
}

/// How the family engaged.
pub fn engagement(s: &str) -> Result<Engagement> {
    Engagement::from_code(s.trim())
        .ok_or_else(|| anyhow!("--engagement: unknown value, use one of: good, partial, poor"))
}

/// A chronology entry kind.
pub fn chronology_kind(s: &str) -> Result<ChronologyKind> {
    match ChronologyKind::from_code(s.trim()) {
        Some(k) => Ok(k),
        None => bail!(
            "--kind: unknown chronology kind, use one of: {}",
            list(ChronologyKind::ALL.iter().map(|k| k.code()))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert!(date("--dob", "2024-02-30").is_err());
        assert!(date("--dob", "2024-02-29").is_ok());
        let t = local_datetime("--at", "2026-07-01 09:30").unwrap();
        assert_eq!(doorstep_core::time::local_display(t), "2026-07-01 09:30");
        assert!(local_datetime("--at", "2026-07-01").is_err());
        assert!(local_datetime("--at", "2026-07-01 25:00").is_err());
        let e = date("--dob", "Jane Smith").unwrap_err().to_string();
        assert!(!e.contains("Jane"));
    }
}
