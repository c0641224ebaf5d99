//! The HTTP surface: routes, authentication, limits and request logs without personal data.

use crate::auth::{self, DeviceAuth};
use crate::db::{with_tx, Backend};
use crate::error::ServerError;
use crate::lone_working::{self, Channels, Deliver, LoneWorkingConfig};
use crate::rate::{self, Limiters, RateLimits};
use crate::{admin, sync};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use doorstep_core::clock::Clock;
use doorstep_core::sync::protocol::{
    EnrolRequest, EnrolResponse, LoneWorkingMonitor, Operation, PullResponse, PushResponse,
    MAX_PULL_LIMIT, MAX_PUSH_OPS,
};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Per-client rate limits.
    pub rate: RateLimits,
    /// Device token lifetime, in milliseconds.
    pub token_ttl_millis: i64,
    /// Proxies whose `X-Forwarded-For` names the client (by default none: the peer address is
    /// the client).
    pub trusted_proxies: Vec<IpAddr>,
    /// How long a client may take to send a request's headers before the connection is closed.
    pub header_read_timeout: Duration,
    /// How long a request may take, body included, before it is answered 408.
    pub request_timeout: Duration,
    /// The supervisor's dashboard: sessions, cookies, lockout.
    pub dashboard: crate::dashboard::DashboardConfig,
    /// Lone-working escalation: how often it runs, and the SMTP relay.
    pub lone_working: LoneWorkingConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            rate: RateLimits::default(),
            token_ttl_millis: auth::TOKEN_TTL_MILLIS,
            trusted_proxies: Vec::new(),
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            dashboard: crate::dashboard::DashboardConfig::default(),
            lone_working: LoneWorkingConfig::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub db: Arc<dyn Backend>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Config,
    /// The channels lone-working notifications go out on.
    pub deliver: Arc<dyn Deliver>,
    pub(crate) limiters: Arc<Limiters>,
}

impl AppState {
    /// State over a backend.
    pub fn new(db: Arc<dyn Backend>, clock: Arc<dyn Clock>, config: Config) -> Self {
        let limiters = Arc::new(Limiters::new(config.rate));
        let deliver: Arc<dyn Deliver> = Arc::new(Channels {
            smtp: config.lone_working.smtp.clone(),
        });
        Self {
            db,
            clock,
            config,
            deliver,
            limiters,
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}

/// The client a request comes from (see [`crate::rate::client_address`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client(pub(crate) IpAddr);

/// The router with every route and layer.
pub fn router(state: AppState) -> Router {
    let max = state.config.max_body_bytes;
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", post(enrol))
        .route("/v1/push", post(push))
        .route("/v1/changes", get(changes))
        .merge(crate::dashboard::routes())
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(state.clone(), limit_and_log))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` resolves: HTTP/1.1, with a deadline for
/// each request's headers (a client that opens connections and sends nothing, or headers a byte
/// at a time, is cut off) and the peer's address given to the router.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    let header_timeout = state.config.header_read_timeout;
    let escalation = tokio::spawn(crate::lone_working::task::run(
        state.db.clone(),
        state.clock.clone(),
        state.deliver.clone(),
        state.config.lone_working.interval,
    ));
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    // Out of file descriptors or similar: wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move { app.oneshot(req.map(axum::body::Body::new)).await }
            });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    escalation.abort();
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

async fn limit_and_log(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let client = rate::client_address(peer, forwarded, &state.config.trusted_proxies);
    req.extensions_mut().insert(Client(client));
    let resp = match tokio::time::timeout(state.config.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => closing(ServerError::Timeout),
    };
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    resp
}

/// The bearer token of an `Authorization` header (the scheme is case-insensitive, RFC 9110).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the request says its body is JSON (`application/json` or `application/…+json`, as
/// axum's `Json` extractor accepts).
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    token(kind)
        && token(sub)
        && kind.eq_ignore_ascii_case("application")
        && (sub.eq_ignore_ascii_case("json")
            || sub.len() > 5 && sub[sub.len() - 5..].eq_ignore_ascii_case("+json"))
}

/// A JSON body, checked and answered as the `Json` extractor would, decoded straight with
/// `serde_json` (without the extractor's per-field error-path tracking: a 500-operation push is
/// decoded once, fast).
fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<T, ServerError> {
    let bad = || ServerError::BadRequest("the body is not a valid request");
    if !json_content_type(headers) {
        return Err(bad());
    }
    serde_json::from_slice(bytes).map_err(|_| bad())
}

/// Reads a body of at most `max` bytes.
async fn read_body(body: axum::body::Body, max: usize) -> Result<Bytes, ServerError> {
    axum::body::to_bytes(body, max).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ServerError::TooLarge
        } else {
            ServerError::BadRequest("the body could not be read")
        }
    })
}

fn json_error(e: JsonRejection) -> ServerError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ServerError::TooLarge
    } else {
        ServerError::BadRequest("the body is not a valid request")
    }
}

async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, ServerError> + Send + 'static,
) -> Result<R, ServerError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ServerError::Internal("worker failed"))?
}

async fn enrol(
    State(s): State<AppState>,
    Extension(Client(client)): Extension<Client>,
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<EnrolResponse>, ServerError> {
    s.limiters.enrol(client).map_err(ServerError::RateLimited)?;
    let Json(req) = body.map_err(json_error)?;
    if req.device_id.is_some_and(|d| d.0.is_nil()) {
        return Err(ServerError::BadRequest("the nil device id is reserved"));
    }
    let now = s.now();
    let ttl = s.config.token_ttl_millis;
    let db = s.db.clone();
    let enrolled =
        blocking(move || with_tx(db.as_ref(), |tx| auth::enrol(tx, &req.code, now, ttl))).await?;
    let db = s.db.clone();
    let pid = enrolled.practitioner_id.clone();
    let (name, agency) = blocking(move || admin::practitioner(db.as_ref(), &pid)).await?;
    let practitioner_id = enrolled
        .practitioner_id
        .parse()
        .map_err(|_| ServerError::Internal("practitioner id"))?;
    let device_id = enrolled
        .device_id
        .parse()
        .map_err(|_| ServerError::Internal("device id"))?;
    tracing::info!(event = "enrolled", "device enrolled");
    Ok(Json(EnrolResponse {
        token: enrolled.token,
        device_id,
        practitioner_id,
        name,
        agency,
    }))
}

/// Authenticates a request from its headers alone (before any body is read). A client over its
/// failed-authentication limit is refused without its token being looked up; an unknown or
/// missing token counts as a failure; an authenticated device is then held to its own limit.
async fn authenticate(
    s: &AppState,
    client: IpAddr,
    headers: &HeaderMap,
) -> Result<DeviceAuth, ServerError> {
    s.limiters
        .may_authenticate(client)
        .map_err(ServerError::RateLimited)?;
    let token = bearer(headers).map(str::to_string);
    let now = s.now();
    let db = s.db.clone();
    let result = match token {
        Some(token) => {
            blocking(move || with_tx(db.as_ref(), |tx| auth::authenticate(tx, &token, now))).await
        }
        None => Err(ServerError::Unauthorized),
    };
    match result {
        Ok(who) => {
            s.limiters
                .device(&who.device_id)
                .map_err(ServerError::RateLimited)?;
            Ok(who)
        }
        Err(ServerError::Unauthorized) => {
            s.limiters
                .failed_authentication(client)
                .map_err(ServerError::RateLimited)?;
            Err(ServerError::Unauthorized)
        }
        Err(e) => Err(e),
    }
}

/// A push as received: each operation's JSON text is kept, so an operation applied unchanged is
/// logged without being encoded again (serde_json's `raw_value` feature, declared in Cargo.toml).
#[derive(serde::Deserialize)]
struct PushBody {
    ops: Vec<Box<serde_json::value::RawValue>>,
    /// What still waits on the phone after this batch (its backlog), if it says.
    #[serde(default)]
    waiting: Option<u64>,
}

async fn push(
    State(s): State<AppState>,
    Extension(Client(client)): Extension<Client>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    // Refused before its body is read: the connection is closed rather than drained, so the
    // client does not reuse it with the unread body still on it.
    let who = match authenticate(&s, client, &parts.headers).await {
        Ok(who) => who,
        Err(e) => return closing(e),
    };
    let bytes = match read_body(body, s.config.max_body_bytes).await {
        Ok(b) => b,
        Err(e) => return closing(e),
    };
    match apply_push(&s, who, &parts.headers, &bytes).await {
        Ok(answer) => answer.into_response(),
        Err(e) => e.into_response(),
    }
}

/// An error answer that closes the connection.
fn closing(e: ServerError) -> Response {
    let mut resp = e.into_response();
    resp.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    resp
}

async fn apply_push(
    s: &AppState,
    who: DeviceAuth,
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<Json<PushResponse>, ServerError> {
    let body: PushBody = json_body(headers, bytes)?;
    if body.ops.len() > MAX_PUSH_OPS {
        return Err(ServerError::BadRequest("too many operations in one push"));
    }
    let ops = body
        .ops
        .iter()
        .map(|raw| serde_json::from_str::<Operation>(raw.get()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ServerError::BadRequest("the body is not a valid request"))?;
    let now = s.now();
    let db = s.db.clone();
    let results = blocking(move || {
        let text: Vec<&str> = body.ops.iter().map(|raw| raw.get()).collect();
        with_tx(db.as_ref(), |tx| {
            if let Some(w) = body.waiting {
                crate::auth::note_backlog(tx, &who, w, now)?;
            }
            sync::push_batch_with_json(tx, &who, &ops, Some(&text), now)
        })
    })
    .await?;
    Ok(Json(PushResponse { results }))
}

/// Query parameters of a pull.
#[derive(Debug, serde::Deserialize)]
struct PullQuery {
    since: i64,
    limit: Option<u32>,
}

async fn changes(
    State(s): State<AppState>,
    Extension(Client(client)): Extension<Client>,
    headers: HeaderMap,
    q: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, ServerError> {
    let who = authenticate(&s, client, &headers).await?;
    let Query(q) = q.map_err(|_| ServerError::BadRequest("since and limit must be numbers"))?;
    if q.since < 0 {
        return Err(ServerError::BadRequest("since is a cursor, 0 or more"));
    }
    let limit = q.limit.unwrap_or(500);
    if !(1..=MAX_PULL_LIMIT).contains(&limit) {
        return Err(ServerError::BadRequest("limit is from 1 to 1000"));
    }
    let db = s.db.clone();
    let email = s.deliver.email_configured();
    let page = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            let mut page = sync::pull(tx, &who.practitioner_id, &who.device_id, q.since, limit)?;
            let monitored = lone_working::monitored(tx, &who.practitioner_id, email)?;
            page.lone_working = Some(LoneWorkingMonitor::with_policy(
                monitored,
                &lone_working::policy(),
            ));
            Ok(page)
        })
    })
    .await?;
    Ok(Json(page))
}
