//! The escalation as a background task of `doorstep-server`: every `interval` it runs one
//! [`super::engine::tick`] at the server clock's `now` (a test drives that clock), on the
//! blocking pool. It stops with the server.

use super::channels::SmtpSettings;
use super::engine::{tick, Deliver};
use crate::db::Backend;
use doorstep_core::clock::Clock;
use std::sync::Arc;
use std::time::Duration;

/// The escalation's settings.
#[derive(Debug, Clone)]
pub struct LoneWorkingConfig {
    /// How often the escalation looks at the check-ins (real time).
    pub interval: Duration,
    /// The SMTP relay for email contacts (none: email cannot be sent).
    pub smtp: Option<SmtpSettings>,
}

impl Default for LoneWorkingConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            smtp: None,
        }
    }
}

/// Runs the escalation every `interval` until the task is dropped or aborted.
pub async fn run(
    db: Arc<dyn Backend>,
    clock: Arc<dyn Clock>,
    deliver: Arc<dyn Deliver>,
    interval: Duration,
) {
    loop {
        tokio::time::sleep(interval).await;
        let now = clock.now().timestamp_millis();
        let (db, deliver) = (db.clone(), deliver.clone());
        let pass =
            tokio::task::spawn_blocking(move || tick(db.as_ref(), now, deliver.as_ref())).await;
        match pass {
            Ok(Ok(r)) if r.raised + r.attempts > 0 => {
                tracing::info!(
                    event = "lone_working_pass",
                    raised = r.raised,
                    attempts = r.attempts,
                    delivered = r.delivered,
                    "escalation pass"
                );
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(event = "lone_working_pass_failed", error = %e, "escalation pass failed")
            }
            Err(_) => tracing::error!(
                event = "lone_working_pass_failed",
                "escalation pass panicked"
            ),
        }
    }
}
