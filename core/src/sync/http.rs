//! A [`Transport`] over ureq with rustls, for the CLI and the tests (the phones bring their own
//! HTTP stacks). It never follows redirects, and times out rather than hang in a stairwell.

use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use std::io::Read;
use std::time::Duration;

/// The largest response body accepted (a pull page is far smaller).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// HTTP over ureq (TLS by rustls with the Mozilla roots).
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    /// A transport with a timeout for each whole request.
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Self { agent }
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(Duration::from_secs(30))
    }
}

fn classify(e: ureq::Error) -> TransportError {
    match e {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        ureq::Error::Io(_) | ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            TransportError::Unreachable
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => TransportError::Tls,
        other => TransportError::Other(other.to_string()),
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let result = match request.method {
            Method::Get => {
                let mut b = self.agent.get(&request.url);
                for (k, v) in &request.headers {
                    b = b.header(k, v);
                }
                b.call()
            }
            Method::Post => {
                let mut b = self.agent.post(&request.url);
                for (k, v) in &request.headers {
                    b = b.header(k, v);
                }
                b.send(&request.body[..])
            }
        };
        let mut resp = result.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        let mut body = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map_err(|e| TransportError::Other(e.kind().to_string()))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
