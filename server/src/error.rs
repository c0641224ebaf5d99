//! Server errors, mapped to HTTP answers with a stable code and no personal data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use doorstep_core::sync::protocol::ErrorBody;

/// Everything that can go wrong on the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No valid token.
    #[error("not authorised")]
    Unauthorized,
    /// The token has expired: enrol again.
    #[error("the device token has expired")]
    Expired,
    /// The device was revoked: it must wipe its store.
    #[error("this device has been revoked")]
    Revoked,
    /// The enrolment code is unknown, used or expired.
    #[error("the enrolment code is not valid")]
    BadCode,
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request body is larger than the server accepts.
    #[error("the request is too large")]
    TooLarge,
    /// Too many requests: try again after the given number of seconds.
    #[error("too many requests")]
    RateLimited(u64),
    /// The request took longer than the server allows.
    #[error("the request took too long")]
    Timeout,
    /// A named thing does not exist (admin commands).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Configuration error.
    #[error("configuration error: {0}")]
    Config(&'static str),
    /// The database cannot be reached.
    #[error("service unavailable: {0}")]
    Unavailable(&'static str),
    /// A database error (details are logged without parameters, never returned).
    #[error("database error")]
    Database(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        ServerError::Database(match e {
            rusqlite::Error::SqliteFailure(f, _) => format!("sqlite {:?}", f.code),
            _ => "sqlite".into(),
        })
    }
}

impl From<postgres::Error> for ServerError {
    fn from(e: postgres::Error) -> Self {
        ServerError::Database(
            e.code()
                .map_or("postgres".into(), |c| format!("postgres {}", c.code())),
        )
    }
}

impl ServerError {
    /// The HTTP status and stable code.
    pub fn status(&self) -> (StatusCode, &'static str) {
        match self {
            ServerError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ServerError::Expired => (StatusCode::UNAUTHORIZED, "expired"),
            ServerError::Revoked => (StatusCode::UNAUTHORIZED, "revoked"),
            ServerError::BadCode => (StatusCode::FORBIDDEN, "bad_code"),
            ServerError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ServerError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ServerError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ServerError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ServerError::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ServerError::Config(_) | ServerError::Internal(_) | ServerError::Database(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            ServerError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let (status, code) = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, detail = ?self, "request failed");
        }
        let message = if status.is_server_error() {
            "the server could not complete the request".to_string()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            error: code.to_string(),
            message,
            wipe: matches!(self, ServerError::Revoked),
        };
        let mut resp = (status, axum::Json(body)).into_response();
        if let ServerError::RateLimited(secs) = self {
            if let Ok(v) = secs.to_string().parse() {
                resp.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
