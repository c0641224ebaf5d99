//! The supervisor's dashboard served by `doorstep-server` (see `docs/DASHBOARD.md`): manager
//! accounts scoped to teams, sessions, CSRF protection, lockout, the audit log of every view of a
//! child's record, and server-rendered pages (Now, Children, Practitioners and devices,
//! Supervision, Audit log).

pub mod accounts;
pub mod audit;
pub mod children;
mod now;
mod pages;
pub mod schema;
pub mod scope;
pub mod session;
mod web;

pub use web::routes;

/// The dashboard's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct DashboardConfig {
    /// Sessions and cookies.
    pub session: session::SessionPolicy,
    /// Failed logins and lockout.
    pub lockout: accounts::LockoutPolicy,
}
