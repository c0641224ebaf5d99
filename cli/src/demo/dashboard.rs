//! The supervisor's dashboard in the demo: a manager of the demo team is created on the demo's
//! reference server, and the dashboard's address and that manager's login are printed while the
//! server runs.

use crate::outln;
use anyhow::Result;
use doorstep_server::dashboard::{accounts, session};
use doorstep_server::db::Backend;
use doorstep_server::Config;

/// The demo manager's user name.
pub const MANAGER_USERNAME: &str = "demo.manager";
/// The demo manager's name.
pub const MANAGER_NAME: &str = "Priya Nair (team manager)";

/// The dashboard's address and the demo manager's login, for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct DashboardLogin {
    /// The dashboard's sign-in page.
    pub url: String,
    /// The user name.
    pub username: String,
    /// The password, random for each run (the server lives only while the demo runs).
    pub password: String,
}

/// The demo server's settings: the dashboard's cookie without `Secure`, because the demo's
/// server speaks plain HTTP on loopback only (a real deployment keeps `Secure`).
pub fn server_config() -> Config {
    let mut config = Config::default();
    config.dashboard.session.secure_cookies = false;
    config
}

/// Creates the demo team's manager and prints where and how to sign in.
pub fn announce(
    db: &dyn Backend,
    server_url: &str,
    team: &str,
    now: i64,
    human: bool,
) -> Result<DashboardLogin> {
    let password = session::random_token()?;
    accounts::create_manager(
        db,
        MANAGER_USERNAME,
        MANAGER_NAME,
        &password,
        &[team.to_string()],
        now,
    )?;
    let login = DashboardLogin {
        url: format!("{server_url}/dashboard/login"),
        username: MANAGER_USERNAME.to_string(),
        password,
    };
    if human {
        outln!(
            "Supervisor's dashboard (while the demo runs): {}  user {}  password {}",
            login.url,
            login.username,
            login.password
        );
    }
    Ok(login)
}
