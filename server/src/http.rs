//! The HTTP surface: routes, authentication, limits and request logs without personal data.

use crate::auth::{self, DeviceAuth};
use crate::db::{with_tx, Backend};
use crate::error::ServerError;
use crate::rate::{Limiter, RateLimit};
use crate::{admin, sync};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use doorstep_core::clock::Clock;
use doorstep_core::sync::protocol::{
    EnrolRequest, EnrolResponse, Operation, PullResponse, PushResponse, MAX_PUSH_OPS,
};
use std::sync::Arc;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Per-caller rate limit.
    pub rate: RateLimit,
    /// Device token lifetime, in milliseconds.
    pub token_ttl_millis: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            rate: RateLimit::default(),
            token_ttl_millis: auth::TOKEN_TTL_MILLIS,
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
    limiter: Arc<Limiter>,
}

impl AppState {
    /// State over a backend.
    pub fn new(db: Arc<dyn Backend>, clock: Arc<dyn Clock>, config: Config) -> Self {
        let limiter = Arc::new(Limiter::new(config.rate));
        Self {
            db,
            clock,
            config,
            limiter,
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}

/// The router with every route and layer.
pub fn router(state: AppState) -> Router {
    let max = state.config.max_body_bytes;
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", post(enrol))
        .route("/v1/push", post(push))
        .route("/v1/changes", get(changes))
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(state.clone(), limit_and_log))
        .with_state(state)
}

async fn limit_and_log(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The caller key is a hash of its token (or "anonymous" for enrolment): never the token itself.
    let key = bearer(req.headers()).map_or_else(|| "anonymous".to_string(), auth::hash);
    let resp = match state.limiter.check(&key) {
        Ok(()) => next.run(req).await,
        Err(wait) => axum::response::IntoResponse::into_response(ServerError::RateLimited(wait)),
    };
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    resp
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
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
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ServerError> {
    let bad = || ServerError::BadRequest("the body is not a valid request");
    if !json_content_type(headers) {
        return Err(bad());
    }
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ServerError::TooLarge
        } else {
            bad()
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
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
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<EnrolResponse>, ServerError> {
    let Json(req) = body.map_err(json_error)?;
    let now = s.now();
    let ttl = s.config.token_ttl_millis;
    let db = s.db.clone();
    let (token, practitioner) = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            auth::enrol(tx, &req.code, &req.device_id.to_string(), now, ttl)
        })
    })
    .await?;
    let db = s.db.clone();
    let pid = practitioner.clone();
    let (name, agency) = blocking(move || admin::practitioner(db.as_ref(), &pid)).await?;
    let practitioner_id = practitioner
        .parse()
        .map_err(|_| ServerError::Internal("practitioner id"))?;
    tracing::info!(event = "enrolled", "device enrolled");
    Ok(Json(EnrolResponse {
        token,
        practitioner_id,
        name,
        agency,
    }))
}

fn authenticate(
    tx: &mut dyn crate::db::Tx,
    headers: &HeaderMap,
    now: i64,
) -> Result<DeviceAuth, ServerError> {
    auth::authenticate(tx, bearer(headers).ok_or(ServerError::Unauthorized)?, now)
}

/// A push as received: each operation's JSON text is kept, so an operation applied unchanged is
/// logged without being encoded again (serde_json's `raw_value` feature, declared in Cargo.toml).
#[derive(serde::Deserialize)]
struct PushBody {
    ops: Vec<Box<serde_json::value::RawValue>>,
}

async fn push(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, ServerError> {
    let body: PushBody = json_body(&headers, body)?;
    let ops = body
        .ops
        .iter()
        .map(|raw| serde_json::from_str::<Operation>(raw.get()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ServerError::BadRequest("the body is not a valid request"))?;
    if ops.len() > MAX_PUSH_OPS {
        return Err(ServerError::BadRequest("too many operations in one push"));
    }
    let now = s.now();
    let db = s.db.clone();
    let results = blocking(move || {
        let text: Vec<&str> = body.ops.iter().map(|raw| raw.get()).collect();
        with_tx(db.as_ref(), |tx| {
            let who = authenticate(tx, &headers, now)?;
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
    headers: HeaderMap,
    q: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, ServerError> {
    let Query(q) = q.map_err(|_| ServerError::BadRequest("since and limit must be numbers"))?;
    let now = s.now();
    let db = s.db.clone();
    let page = blocking(move || {
        with_tx(db.as_ref(), |tx| {
            let who = authenticate(tx, &headers, now)?;
            sync::pull(tx, &who.practitioner_id, q.since, q.limit.unwrap_or(500))
        })
    })
    .await?;
    Ok(Json(page))
}
