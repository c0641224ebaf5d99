//! Rate limits per client, held in memory (GCRA through the `governor` crate): enrolment
//! attempts and failed authentications are limited per client address, so guessing codes or
//! tokens is slow whatever header is presented, and one client's burst never refuses another;
//! authenticated requests are limited per device.

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests per second and burst size.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: f64,
    /// Requests allowed at once.
    pub burst: u32,
}

impl RateLimit {
    fn quota(self) -> Quota {
        let period = Duration::from_secs_f64(1.0 / self.per_second.max(1e-6));
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// Per-client limits.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Requests per authenticated device.
    pub device: RateLimit,
    /// Enrolment attempts per client address.
    pub enrol: RateLimit,
    /// Failed authentications per client address (after the burst, the client is refused before
    /// its token is even looked up, until the limit allows another attempt).
    pub auth_failures: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            device: RateLimit {
                per_second: 20.0,
                burst: 60,
            },
            enrol: RateLimit {
                per_second: 0.2,
                burst: 10,
            },
            auth_failures: RateLimit {
                per_second: 0.5,
                burst: 20,
            },
        }
    }
}

impl RateLimits {
    /// Limits no test or benchmark on one machine reaches (every client shares loopback).
    pub fn generous() -> Self {
        let lots = RateLimit {
            per_second: 100_000.0,
            burst: 100_000,
        };
        Self {
            device: lots,
            enrol: lots,
            auth_failures: lots,
        }
    }
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// One keyed limiter: a refusal gives the whole seconds to wait.
struct Limit<K: Hash + Eq + Clone> {
    limiter: Keyed<K>,
    clock: DefaultClock,
}

impl<K: Hash + Eq + Clone> Limit<K> {
    fn new(limit: RateLimit) -> Self {
        Self {
            limiter: RateLimiter::keyed(limit.quota()),
            clock: DefaultClock::default(),
        }
    }

    fn check(&self, key: &K) -> Result<(), u64> {
        self.limiter.check_key(key).map_err(|not_until| {
            not_until
                .wait_time_from(self.clock.now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64
        })
    }
}

/// Callers remembered before idle ones are forgotten.
const MAX_KEYS: usize = 100_000;

/// Every limiter the server applies.
pub struct Limiters {
    device: Limit<String>,
    enrol: Limit<IpAddr>,
    failures: Limit<IpAddr>,
    /// Clients over their failed-authentication limit, and until when.
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

impl Limiters {
    /// Limiters with these limits.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            device: Limit::new(limits.device),
            enrol: Limit::new(limits.enrol),
            failures: Limit::new(limits.auth_failures),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `device`'s allowance.
    pub fn device(&self, device: &str) -> Result<(), u64> {
        self.tidy();
        self.device.check(&device.to_string())
    }

    /// Takes one enrolment attempt of `client`'s allowance.
    pub fn enrol(&self, client: IpAddr) -> Result<(), u64> {
        self.tidy();
        self.enrol.check(&client)
    }

    /// Whether `client` may try to authenticate now (it is not over its failure limit).
    pub fn may_authenticate(&self, client: IpAddr) -> Result<(), u64> {
        let blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        match blocked.get(&client) {
            Some(until) => {
                let now = Instant::now();
                if *until > now {
                    Err((*until - now).as_secs_f64().ceil().max(1.0) as u64)
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        }
    }

    /// Counts a failed authentication by `client`; past the limit, the client is blocked for
    /// the returned seconds.
    pub fn failed_authentication(&self, client: IpAddr) -> Result<(), u64> {
        self.tidy();
        self.failures.check(&client).inspect_err(|wait| {
            let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
            blocked.insert(client, Instant::now() + Duration::from_secs(*wait));
        })
    }

    /// Forgets idle callers once too many are remembered.
    fn tidy(&self) {
        if self.device.limiter.len() > MAX_KEYS {
            self.device.limiter.retain_recent();
        }
        if self.enrol.limiter.len() > MAX_KEYS {
            self.enrol.limiter.retain_recent();
        }
        if self.failures.limiter.len() > MAX_KEYS {
            self.failures.limiter.retain_recent();
            let now = Instant::now();
            let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
            blocked.retain(|_, until| *until > now);
        }
    }
}

/// The client's address: the connection's peer, or — only when the peer is a configured trusted
/// proxy — the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> IpAddr {
    let Some(peer) = peer else {
        return IpAddr::from([0, 0, 0, 0]);
    };
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(list) = forwarded_for else {
        return peer;
    };
    for hop in list.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A malformed entry: trust nothing further along the chain.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let spoofed = "198.51.100.1, 203.0.113.7";
        assert_eq!(
            client_address(Some(client), Some(spoofed), &[proxy]),
            client
        );
        assert_eq!(client_address(Some(proxy), Some(spoofed), &[proxy]), client);
        assert_eq!(
            client_address(
                Some(proxy),
                Some("not-an-ip, 203.0.113.7, 10.0.0.1"),
                &[proxy]
            ),
            client
        );
        assert_eq!(client_address(Some(proxy), Some("junk"), &[proxy]), proxy);
    }

    #[test]
    fn one_clients_failures_never_block_another() {
        let l = Limiters::new(RateLimits {
            auth_failures: RateLimit {
                per_second: 0.001,
                burst: 3,
            },
            ..RateLimits::default()
        });
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            assert!(l.failed_authentication(a).is_ok());
        }
        assert!(l.failed_authentication(a).is_err());
        assert!(l.may_authenticate(a).is_err());
        assert!(l.may_authenticate(b).is_ok());
        assert!(l.failed_authentication(b).is_ok());
    }
}
