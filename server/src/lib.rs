//! Doorstep reference sync server: devices push operations and pull the changes on the cases
//! their practitioner is allocated to. axum over tokio; storage on SQLite (embedded default) or
//! PostgreSQL (stateless processes sharing one database). See `docs/SYNC.md`.

pub mod admin;
pub mod auth;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod http;
pub mod lone_working;
pub mod rate;
pub mod seal;
pub mod sync;

pub use error::ServerError;
pub use http::{router, serve, AppState, Config};

use std::net::SocketAddr;

/// The server's log filter: `base` (e.g. `info`, or `RUST_LOG`'s directives) with the HTTP and
/// SMTP client libraries held to warnings whatever `base` says, because at debug level they log
/// the URLs and addresses lone-working notifications go to (a webhook URL may hold a token).
pub fn log_filter(base: &str) -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_new(base)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for quiet in ["ureq=warn", "ureq_proto=warn", "lettre=warn", "rustls=warn"] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// A server running in the background on a loopback port (tests, the demo).
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the server on `127.0.0.1` with an ephemeral port, on its own runtime thread.
pub fn spawn_on_loopback(state: AppState) -> Result<RunningServer, ServerError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|_| ServerError::Config("cannot bind loopback"))?;
    listener
        .set_nonblocking(true)
        .map_err(|_| ServerError::Config("cannot configure socket"))?;
    let addr = listener
        .local_addr()
        .map_err(|_| ServerError::Config("no local address"))?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
    });
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        thread: Some(thread),
    })
}
