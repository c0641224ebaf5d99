//! The HTTP seam: the phones supply their own HTTP stacks (OkHttp, URLSession) through the
//! bindings; the CLI and the tests use a Rust client. The core only builds requests and reads
//! responses, and refuses plain `http://` except to this machine.

/// An HTTP method the protocol uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// A request for the transport to send.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers (name, value). Contains the bearer token: never log it.
    pub headers: Vec<(String, String)>,
    /// Body (JSON), empty for GET.
    pub body: Vec<u8>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (name lower-cased, value).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No network, connection refused, DNS failure.
    #[error("the server could not be reached")]
    Unreachable,
    /// The request or the response timed out.
    #[error("the request timed out")]
    Timeout,
    /// TLS failed (certificate, handshake).
    #[error("a secure connection could not be made")]
    Tls,
    /// Anything else (a truncated response, a platform error).
    #[error("network error: {0}")]
    Other(String),
}

/// Sends one HTTP request. Implementations must use TLS for every `https://` URL and must not
/// follow redirects to other hosts. Called from a background thread; may block.
pub trait Transport: Send + Sync {
    /// Sends `request` and returns the response, whatever its status.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Why a server URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not `https://` (or `http://` to this machine).
    #[error("the server address must start with https:// (plain http:// is only allowed to this machine)")]
    Insecure,
    /// Not a URL with a host.
    #[error("the server address is not a valid URL")]
    Invalid,
}

/// Checks a server base URL: `https://host[:port][/path]`, or `http://` to a loopback address.
/// Returns it without a trailing slash.
pub fn check_server_url(url: &str) -> Result<String, UrlError> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").ok_or(UrlError::Invalid)?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') || url.chars().any(|c| c.is_whitespace()) {
        return Err(UrlError::Invalid);
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        "http" => Err(UrlError::Insecure),
        _ => Err(UrlError::Invalid),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tls_or_loopback() {
        assert!(check_server_url("https://sync.example.org/").is_ok());
        assert!(check_server_url("http://127.0.0.1:8080").is_ok());
        assert!(check_server_url("http://127.9.9.9:1").is_ok());
        assert!(check_server_url("http://[::1]:8080").is_ok());
        assert!(check_server_url("http://localhost:8080/x").is_ok());
        assert_eq!(
            check_server_url("http://sync.example.org"),
            Err(UrlError::Insecure)
        );
        assert_eq!(check_server_url("http://10.0.0.1"), Err(UrlError::Insecure));
        assert_eq!(
            check_server_url("http://127.0.0.1.evil.org"),
            Err(UrlError::Insecure)
        );
        assert_eq!(
            check_server_url("http://localhost@evil.org"),
            Err(UrlError::Invalid)
        );
        assert_eq!(check_server_url("ftp://x"), Err(UrlError::Invalid));
        assert_eq!(check_server_url("nonsense"), Err(UrlError::Invalid));
    }
}
