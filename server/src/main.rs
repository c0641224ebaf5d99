//! `doorstep-server`: run the reference sync server, or administer it.

use clap::{Parser, Subcommand};
use doorstep_core::domain::Agency;
use doorstep_core::{Clock, SystemClock};
use doorstep_server::dashboard::{accounts, audit};
use doorstep_server::db::{Backend, PostgresBackend, SqliteBackend};
use doorstep_server::lone_working::{self, Channel, LoneWorkingConfig, Role, SmtpSettings};
use doorstep_server::rate::RateLimits;
use doorstep_server::seal::{KeyProvider, KeyRing};
use doorstep_server::ServerError;
use doorstep_server::{admin, serve, AppState, Config};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "doorstep-server", about = "Doorstep reference sync server")]
struct Cli {
    /// The database: a SQLite file path, or a postgres:// URL.
    #[arg(long, env = "DOORSTEP_SERVER_DB", default_value = "doorstep-server.db")]
    db: String,
    /// The data key file (mode 0600) sealing names, addresses, notes and the change log at
    /// rest; or set DOORSTEP_SERVER_DATA_KEY. Never inside the database or its backups.
    #[arg(long, env = "DOORSTEP_SERVER_KEY_FILE")]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Confirms that a TLS-terminating proxy stands in front: required to listen on anything
        /// but loopback, because this process speaks plain HTTP.
        #[arg(long)]
        behind_tls_proxy: bool,
        /// A proxy whose X-Forwarded-For names the client (repeat for several).
        #[arg(long)]
        trusted_proxy: Vec<std::net::IpAddr>,
        /// Enrolment attempts a client may make at once (then one every 5 s).
        #[arg(long, default_value_t = 10)]
        enrol_burst: u32,
        /// Failed authentications (device tokens and dashboard sign-ins) a client may make at
        /// once (then one every 2 s).
        #[arg(long, default_value_t = 20)]
        auth_failure_burst: u32,
        /// Send the dashboard's session cookie without `Secure` (plain HTTP): refused unless
        /// listening on loopback (tests, the demo).
        #[arg(long)]
        dashboard_insecure_cookies: bool,
        /// The SMTP relay lone-working emails go through (none: email contacts cannot be
        /// reached, and phones are told only about their webhook contacts).
        #[arg(long)]
        smtp_host: Option<String>,
        /// The relay's port.
        #[arg(long, default_value_t = 587)]
        smtp_port: u16,
        /// Plain SMTP without STARTTLS: allowed to a loopback relay only.
        #[arg(long)]
        smtp_plain: bool,
        /// The sender of lone-working emails.
        #[arg(long, default_value = "Doorstep lone working <lone-working@localhost>")]
        smtp_from: String,
        /// Seconds between passes of the lone-working escalation.
        #[arg(long, default_value_t = 10)]
        lone_working_interval: u64,
    },
    /// Administration.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a team.
    AddTeam { name: String },
    /// Create a practitioner in a team.
    AddPractitioner {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        agency: String,
    },
    /// Issue a one-time enrolment code for a practitioner's new device.
    EnrolCode {
        #[arg(long)]
        practitioner: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: i64,
    },
    /// Allocate (share) a case with a practitioner; `--lead` makes them the allocated worker.
    Allocate {
        #[arg(long)]
        case: String,
        #[arg(long)]
        practitioner: String,
        #[arg(long)]
        lead: bool,
    },
    /// Revoke a device: it will crypto-shred its store on next contact.
    Revoke { device: String },
    /// Create a new data key file (mode 0600) at --key-file.
    InitKey,
    /// Rotate the data key: a new key is put first in --key-file, every sealed value is
    /// re-sealed under it, then the old keys are dropped. Stop the servers first.
    RotateKey,
    /// List devices (tab-separated: device id, practitioner id, state, enrolled, last contact, and how many operations its last push said were still waiting on the phone; times UTC).
    Devices,
    /// Add a lone-working contact: a practitioner's buddy or manager (told at amber and red) with
    /// --practitioner, or a team escalation contact (told at red) with --role team. A webhook's
    /// signing secret is read from DOORSTEP_WEBHOOK_SECRET, or generated and printed once.
    AddLoneContact {
        #[arg(long)]
        team: String,
        #[arg(long)]
        practitioner: Option<String>,
        /// buddy, manager or team.
        #[arg(long)]
        role: String,
        /// Who it is, e.g. "Sam Okafor, team manager".
        #[arg(long)]
        label: String,
        /// An email address.
        #[arg(long, conflicts_with = "webhook")]
        email: Option<String>,
        /// A webhook URL (https://, or http:// to loopback).
        #[arg(long)]
        webhook: Option<String>,
    },
    /// List a team's lone-working contacts.
    LoneContacts {
        #[arg(long)]
        team: String,
    },
    /// Remove a lone-working contact.
    RemoveLoneContact {
        #[arg(long)]
        team: String,
        id: String,
    },
    /// Create a dashboard manager for one or more teams. The password is read from the
    /// DOORSTEP_MANAGER_PASSWORD environment variable, else from the first line of standard
    /// input (never from the command line, where other users could see it).
    AddManager {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// A team the manager supervises (repeat for several).
        #[arg(long, required = true)]
        team: Vec<String>,
    },
    /// Print the audit log of managers' views of children's records (tab-separated: time
    /// (UTC, RFC 3339), manager id, user name, case id, action).
    Audit {
        /// Only this case.
        #[arg(long)]
        case: Option<String>,
        /// Only the last this many hours.
        #[arg(long)]
        hours: Option<i64>,
    },
}

/// The new manager's password: DOORSTEP_MANAGER_PASSWORD, else the first line of standard input.
fn manager_password() -> Result<String, Box<dyn std::error::Error>> {
    if let Ok(p) = std::env::var("DOORSTEP_MANAGER_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The data keys: the key file, else the environment variable; the server never runs without.
fn keys(key_file: Option<&Path>) -> Result<Arc<dyn KeyProvider>, ServerError> {
    if let Some(path) = key_file {
        return Ok(Arc::new(KeyRing::from_file(path)?));
    }
    match KeyRing::from_env()? {
        Some(ring) => Ok(Arc::new(ring)),
        None => Err(ServerError::Config(
            "no data key: pass --key-file (create one with `admin init-key`) or set DOORSTEP_SERVER_DATA_KEY",
        )),
    }
}

fn open(db: &str, keys: Arc<dyn KeyProvider>) -> Result<Arc<dyn Backend>, ServerError> {
    let backend: Arc<dyn Backend> =
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Arc::new(PostgresBackend::connect(db, 16, keys)?)
        } else {
            Arc::new(SqliteBackend::open(&PathBuf::from(db), keys)?)
        };
    backend.migrate()?;
    Ok(backend)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let cli = Cli::parse();
    let key_file = cli.key_file.as_deref();
    match &cli.command {
        Command::Admin(AdminCommand::InitKey) => {
            KeyRing::create_file(key_file.ok_or("--key-file is required")?)?;
            println!("created");
            return Ok(());
        }
        Command::Admin(AdminCommand::RotateKey) => {
            let path = key_file.ok_or("--key-file is required")?;
            let ring: Arc<dyn KeyProvider> = Arc::new(KeyRing::add_new_key(path)?);
            let db = open(&cli.db, ring)?;
            let (records, changes) = admin::reseal(db.as_ref())?;
            KeyRing::retire_old_keys(path)?;
            println!("re-sealed {records} records and {changes} changes");
            return Ok(());
        }
        _ => {}
    }
    let db = open(&cli.db, keys(key_file)?)?;
    let now = SystemClock.now().timestamp_millis();
    match cli.command {
        Command::Serve {
            listen,
            behind_tls_proxy,
            trusted_proxy,
            enrol_burst,
            auth_failure_burst,
            dashboard_insecure_cookies,
            smtp_host,
            smtp_port,
            smtp_plain,
            smtp_from,
            lone_working_interval,
        } => {
            if dashboard_insecure_cookies && !listen.ip().is_loopback() {
                return Err("--dashboard-insecure-cookies is only for a server on loopback".into());
            }
            if !listen.ip().is_loopback() && !behind_tls_proxy {
                return Err("refusing to serve plain HTTP beyond loopback: put a TLS proxy in front and pass --behind-tls-proxy".into());
            }
            tracing_subscriber::fmt()
                .json()
                .with_env_filter(doorstep_server::log_filter(
                    &std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
                ))
                .init();
            let mut rate = RateLimits::default();
            rate.enrol.burst = enrol_burst;
            rate.auth_failures.burst = auth_failure_burst;
            let smtp = match smtp_host {
                Some(host) => {
                    let credentials = match (
                        std::env::var("DOORSTEP_SMTP_USER"),
                        std::env::var("DOORSTEP_SMTP_PASSWORD"),
                    ) {
                        (Ok(u), Ok(p)) => Some((u, p)),
                        _ => None,
                    };
                    let smtp = SmtpSettings {
                        host,
                        port: smtp_port,
                        starttls: !smtp_plain,
                        from: smtp_from,
                        credentials,
                    };
                    smtp.check()?;
                    Some(smtp)
                }
                None => None,
            };
            let mut config = Config {
                trusted_proxies: trusted_proxy,
                rate,
                lone_working: LoneWorkingConfig {
                    interval: std::time::Duration::from_secs(lone_working_interval.max(1)),
                    smtp,
                },
                ..Config::default()
            };
            config.dashboard.session.secure_cookies = !dashboard_insecure_cookies;
            let state = AppState::new(db, Arc::new(SystemClock), config);
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen).await?;
                tracing::info!(%listen, "serving");
                serve(listener, state, async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
                Ok::<(), std::io::Error>(())
            })?;
        }
        Command::Admin(cmd) => match cmd {
            AdminCommand::AddTeam { name } => println!("{}", admin::add_team(db.as_ref(), &name)?),
            AdminCommand::AddPractitioner { team, name, agency } => {
                let agency = Agency::from_code(&agency).ok_or("unknown agency")?;
                println!(
                    "{}",
                    admin::add_practitioner(db.as_ref(), &team, &name, agency, now)?
                );
            }
            AdminCommand::EnrolCode {
                practitioner,
                hours,
            } => {
                let ttl = if hours == 24 {
                    doorstep_server::auth::CODE_TTL_MILLIS
                } else {
                    hours.clamp(1, 24 * 14) * 3_600_000
                };
                println!(
                    "{}",
                    admin::issue_code(db.as_ref(), &practitioner, now, ttl)?
                );
            }
            AdminCommand::Allocate {
                case,
                practitioner,
                lead,
            } => {
                admin::allocate(db.as_ref(), &case, &practitioner, lead, now)?;
                println!("allocated");
            }
            AdminCommand::Revoke { device } => {
                admin::revoke_device(db.as_ref(), &device, now)?;
                println!("revoked");
            }
            AdminCommand::InitKey | AdminCommand::RotateKey => {}
            AdminCommand::AddManager {
                username,
                name,
                team,
            } => {
                let password = manager_password()?;
                println!(
                    "{}",
                    accounts::create_manager(db.as_ref(), &username, &name, &password, &team, now)?
                );
            }
            AdminCommand::Audit { case, hours } => {
                let since = hours.map_or(0, |h| now.saturating_sub(h.saturating_mul(3_600_000)));
                for e in audit::read(db.as_ref(), since, case.as_deref())? {
                    let at = chrono::DateTime::from_timestamp_millis(e.at)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default();
                    println!(
                        "{at}\t{}\t{}\t{}\t{}",
                        e.manager_id, e.username, e.case_id, e.action
                    );
                }
            }
            AdminCommand::AddLoneContact {
                team,
                practitioner,
                role,
                label,
                email,
                webhook,
            } => {
                let role = Role::from_code(&role).ok_or("the role is buddy, manager or team")?;
                let (channel, target, secret) = match (email, webhook) {
                    (Some(e), None) => (Channel::Email, e, None),
                    (None, Some(w)) => {
                        let secret = match std::env::var("DOORSTEP_WEBHOOK_SECRET") {
                            Ok(s) => s,
                            Err(_) => {
                                let s = doorstep_server::auth::new_token()?;
                                println!(
                                    "webhook secret (give it to the receiver; shown once): {s}"
                                );
                                s
                            }
                        };
                        (Channel::Webhook, w, Some(secret))
                    }
                    _ => return Err("give --email or --webhook".into()),
                };
                println!(
                    "{}",
                    lone_working::add_contact(
                        db.as_ref(),
                        &team,
                        practitioner.as_deref(),
                        role,
                        channel,
                        &target,
                        secret.as_deref(),
                        &label,
                        now,
                    )?
                );
            }
            AdminCommand::LoneContacts { team } => {
                for c in lone_working::contacts_of_team(db.as_ref(), &team)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        c.id,
                        c.role.code(),
                        c.practitioner_id.as_deref().unwrap_or("-"),
                        c.channel.code(),
                        c.target,
                        c.label
                    );
                }
            }
            AdminCommand::RemoveLoneContact { team, id } => {
                lone_working::remove_contact(db.as_ref(), &team, &id)?;
                println!("removed");
            }
            AdminCommand::Devices => {
                let at = |ms: Option<i64>| {
                    ms.and_then(chrono::DateTime::from_timestamp_millis)
                        .map_or_else(
                            || "never".to_string(),
                            |t| t.format("%Y-%m-%dT%H:%MZ").to_string(),
                        )
                };
                println!(
                    "device\tpractitioner\tstate\tenrolled\tlast contact\twaiting on the phone"
                );
                for d in admin::devices(db.as_ref())? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        d.id,
                        d.practitioner_id,
                        if d.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        },
                        at(Some(d.enrolled_at)),
                        at(d.last_seen),
                        d.backlog.map_or_else(
                            || "unknown".to_string(),
                            |(n, t)| format!("{n} at {}", at(Some(t)))
                        ),
                    );
                }
            }
        },
    }
    Ok(())
}
