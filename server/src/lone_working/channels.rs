//! The channels a notification goes out on: email through an SMTP relay (`lettre`; STARTTLS
//! unless the relay is on loopback and plain SMTP is asked for) and webhooks signed with
//! HMAC-SHA256 (`ureq`, rustls). Outcomes are short words safe to log: never an address, a URL,
//! a secret or the content.

use super::contacts::Channel;
use super::engine::{Deliver, Recipient};
use super::message::Notice;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use ring::hmac;
use std::time::Duration;

/// Header carrying the signature: `v1=` and the hex HMAC-SHA256 of `timestamp.body`.
pub const SIGNATURE_HEADER: &str = "X-Doorstep-Signature";
/// Header carrying the signing time, Unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-Doorstep-Timestamp";
/// Header carrying the notification's id (the same on every retry: receivers deduplicate by it).
pub const DELIVERY_HEADER: &str = "X-Doorstep-Delivery";
/// How far a receiver should accept a signing time from its own clock, in seconds (documented
/// replay window; a receiver also remembers the delivery ids it has seen within it).
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// How long one delivery attempt may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The signature of a webhook body: `v1=` and hex HMAC-SHA256 under `secret` over
/// `"{timestamp}.{body}"`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    format!("v1={}", hex::encode(ctx.sign().as_ref()))
}

/// Checks a webhook's signature as a receiver should: the timestamp within
/// [`REPLAY_WINDOW_SECS`] of `now_secs`, and the HMAC equal (compared in constant time).
pub fn verify(secret: &[u8], timestamp: i64, body: &[u8], signature: &str, now_secs: i64) -> bool {
    if (now_secs - timestamp).abs() > REPLAY_WINDOW_SECS {
        return false;
    }
    let Some(hex_sig) = signature.strip_prefix("v1=") else {
        return false;
    };
    let Ok(tag) = hex::decode(hex_sig) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut msg = timestamp.to_string().into_bytes();
    msg.push(b'.');
    msg.extend_from_slice(body);
    hmac::verify(&key, &msg, &tag).is_ok()
}

/// The SMTP relay the server sends email through.
#[derive(Clone)]
pub struct SmtpSettings {
    /// The relay's host.
    pub host: String,
    /// Its port (587 for STARTTLS submission; 25 or a test port for plain SMTP).
    pub port: u16,
    /// Upgrade with STARTTLS (required unless the host is loopback).
    pub starttls: bool,
    /// The sender address (`Doorstep <lone-working@example.org>`).
    pub from: String,
    /// User name and password, if the relay wants them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("starttls", &self.starttls)
            .field("credentials", &self.credentials.is_some())
            .finish()
    }
}

impl SmtpSettings {
    /// Whether the settings are safe to use: STARTTLS, or plain SMTP to a loopback relay.
    pub fn check(&self) -> Result<(), &'static str> {
        let loopback = self.host.eq_ignore_ascii_case("localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !self.starttls && !loopback {
            return Err("plain SMTP is allowed to a loopback relay only: use --smtp-starttls");
        }
        self.from
            .parse::<Mailbox>()
            .map_err(|_| "the sender address is not valid")?;
        Ok(())
    }

    fn transport(&self) -> Result<SmtpTransport, String> {
        let mut b = if self.starttls {
            SmtpTransport::starttls_relay(&self.host)
                .map_err(|_| "smtp tls setup failed".to_string())?
        } else {
            SmtpTransport::builder_dangerous(&self.host)
        }
        .port(self.port)
        .timeout(Some(TIMEOUT));
        if let Some((user, pass)) = &self.credentials {
            b = b.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(b.build())
    }
}

/// The real channels.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    /// The SMTP relay (none: email contacts cannot be reached, and phones are told so).
    pub smtp: Option<SmtpSettings>,
}

impl Channels {
    fn email(&self, to: &str, notice: &Notice) -> Result<(), String> {
        let smtp = self.smtp.as_ref().ok_or("no smtp relay configured")?;
        let from: Mailbox = smtp.from.parse().map_err(|_| "bad sender address")?;
        let to: Mailbox = to.parse().map_err(|_| "bad recipient address")?;
        let msg = Message::builder()
            .from(from)
            .to(to)
            .subject(notice.subject())
            .header(ContentType::TEXT_PLAIN)
            .body(notice.text())
            .map_err(|_| "message could not be built")?;
        smtp.transport()?.send(&msg).map_err(|e| match e.status() {
            Some(code) => format!("smtp refused {code}"),
            None if e.is_timeout() => "smtp timeout".to_string(),
            None => "smtp connection failed".to_string(),
        })?;
        Ok(())
    }

    fn webhook(&self, url: &str, secret: &str, notice: &Notice) -> Result<(), String> {
        let body = serde_json::to_vec(&notice.json()).map_err(|_| "encode failed")?;
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .max_redirects(0)
            .build()
            .into();
        let resp = agent
            .post(url)
            .header("Content-Type", "application/json")
            .header(TIMESTAMP_HEADER, &ts.to_string())
            .header(SIGNATURE_HEADER, &sign(secret.as_bytes(), ts, &body))
            .header(DELIVERY_HEADER, &notice.id)
            .send(&body[..])
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => "webhook timeout".to_string(),
                ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "webhook tls failed".to_string(),
                _ => "webhook connection failed".to_string(),
            })?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(format!("webhook answered {status}"))
        }
    }
}

impl Deliver for Channels {
    fn deliver(&self, to: &Recipient, notice: &Notice) -> Result<(), String> {
        match to.channel {
            Channel::Email => self.email(&to.target, notice),
            Channel::Webhook => {
                self.webhook(&to.target, to.secret.as_deref().unwrap_or_default(), notice)
            }
        }
    }

    fn email_configured(&self) -> bool {
        self.smtp.is_some()
    }
}
