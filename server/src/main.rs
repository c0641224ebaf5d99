//! `doorstep-server`: run the reference sync server, or administer it.

use clap::{Parser, Subcommand};
use doorstep_core::domain::Agency;
use doorstep_core::{Clock, SystemClock};
use doorstep_server::db::{Backend, PostgresBackend, SqliteBackend};
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
        /// Failed authentications a client may make at once (then one every 2 s).
        #[arg(long, default_value_t = 20)]
        auth_failure_burst: u32,
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
    /// List devices.
    Devices,
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
        } => {
            if !listen.ip().is_loopback() && !behind_tls_proxy {
                return Err("refusing to serve plain HTTP beyond loopback: put a TLS proxy in front and pass --behind-tls-proxy".into());
            }
            tracing_subscriber::fmt()
                .json()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .init();
            let mut rate = RateLimits::default();
            rate.enrol.burst = enrol_burst;
            rate.auth_failures.burst = auth_failure_burst;
            let config = Config {
                trusted_proxies: trusted_proxy,
                rate,
                ..Config::default()
            };
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
            AdminCommand::Devices => {
                for d in admin::devices(db.as_ref())? {
                    println!(
                        "{}\t{}\t{}",
                        d.id,
                        d.practitioner_id,
                        if d.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    );
                }
            }
        },
    }
    Ok(())
}
