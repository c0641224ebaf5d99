//! Hybrid logical clocks: timestamps that follow wall time but never go backwards and order every
//! event across devices, even when a phone's clock is wrong.

use crate::domain::DeviceId;
use std::cmp::Ordering;

/// A hybrid logical clock timestamp: milliseconds since the Unix epoch, a logical counter, and the
/// device that made it (the final tie-break, so that no two devices' stamps are ever equal).
///
/// Serialised compactly as `"<millis hex>.<counter hex>.<device hex>"`: every replicated field
/// carries one, so the form matters for size and speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hlc {
    /// Physical part: milliseconds since 1970-01-01 UTC.
    pub millis: u64,
    /// Logical part: orders events within the same millisecond.
    pub counter: u32,
    /// The device that issued the stamp.
    pub device: DeviceId,
}

/// The longest compact form: 16 + 8 hex digits, two dots, 32 hex digits of the device.
const COMPACT_MAX: usize = 16 + 1 + 8 + 1 + 32;

/// Writes `v` in lower-case hex without leading zeros (as `{:x}` does) at `out[at..]`; returns
/// the position after it.
fn put_hex(out: &mut [u8; COMPACT_MAX], at: usize, v: u64) -> usize {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let len = (64 - v.leading_zeros() as usize).div_ceil(4).max(1);
    for (i, slot) in out[at..at + len].iter_mut().enumerate() {
        let shift = 4 * (len - 1 - i);
        *slot = DIGITS[((v >> shift) & 0xf) as usize];
    }
    at + len
}

impl Hlc {
    /// The compact text form, `"<millis hex>.<counter hex>.<device hex>"`, written without the
    /// formatting machinery (every stamped field of every record written goes through here).
    fn compact(&self, out: &mut [u8; COMPACT_MAX]) -> usize {
        let mut at = put_hex(out, 0, self.millis);
        out[at] = b'.';
        at = put_hex(out, at + 1, u64::from(self.counter));
        out[at] = b'.';
        at += 1;
        self.device
            .0
            .simple()
            .encode_lower(&mut out[at..at + uuid::fmt::Simple::LENGTH]);
        at + uuid::fmt::Simple::LENGTH
    }
}

impl serde::Serialize for Hlc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; COMPACT_MAX];
        let len = self.compact(&mut buf);
        // Only ASCII hex digits and dots were written.
        let text = std::str::from_utf8(&buf[..len]).map_err(serde::ser::Error::custom)?;
        s.serialize_str(text)
    }
}

impl<'de> serde::Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let bad = || serde::de::Error::custom("not a clock stamp");
        let mut parts = s.splitn(3, '.');
        let millis = u64::from_str_radix(parts.next().ok_or_else(bad)?, 16).map_err(|_| bad())?;
        let counter = u32::from_str_radix(parts.next().ok_or_else(bad)?, 16).map_err(|_| bad())?;
        let device = uuid::Uuid::try_parse(parts.next().ok_or_else(bad)?).map_err(|_| bad())?;
        Ok(Hlc {
            millis,
            counter,
            device: DeviceId(device),
        })
    }
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.millis, self.counter, self.device).cmp(&(other.millis, other.counter, other.device))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The largest step a remote stamp may move our clock ahead of wall time (a day): a device whose
/// clock is wildly in the future must not drag every other device's stamps with it.
pub const MAX_DRIFT_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// Why a remote stamp was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HlcError {
    /// The stamp is further ahead of our wall clock than [`MAX_DRIFT_MILLIS`].
    #[error("a timestamp is too far in the future")]
    TooFarAhead,
    /// The logical counter would overflow.
    #[error("clock counter overflow")]
    CounterOverflow,
}

impl Hlc {
    /// The zero stamp of a device.
    pub fn zero(device: DeviceId) -> Self {
        Self {
            millis: 0,
            counter: 0,
            device,
        }
    }

    /// The next stamp for a local event at wall time `now_millis`.
    pub fn tick(&self, now_millis: u64) -> Result<Self, HlcError> {
        if now_millis > self.millis {
            return Ok(Self {
                millis: now_millis,
                counter: 0,
                device: self.device,
            });
        }
        let counter = self
            .counter
            .checked_add(1)
            .ok_or(HlcError::CounterOverflow)?;
        Ok(Self {
            millis: self.millis,
            counter,
            device: self.device,
        })
    }

    /// Our clock after receiving `remote` at wall time `now_millis`: ahead of both.
    pub fn receive(&self, remote: &Hlc, now_millis: u64) -> Result<Self, HlcError> {
        if remote.millis > now_millis.saturating_add(MAX_DRIFT_MILLIS) {
            return Err(HlcError::TooFarAhead);
        }
        let millis = self.millis.max(remote.millis).max(now_millis);
        let counter = if millis == self.millis && millis == remote.millis {
            self.counter.max(remote.counter).checked_add(1)
        } else if millis == self.millis {
            self.counter.checked_add(1)
        } else if millis == remote.millis {
            remote.counter.checked_add(1)
        } else {
            Some(0)
        }
        .ok_or(HlcError::CounterOverflow)?;
        Ok(Self {
            millis,
            counter,
            device: self.device,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_compact_form_is_the_formatted_one() {
        for (millis, counter) in [(0, 0), (1, 15), (0x18f3_a1b2_c3d4, 7), (u64::MAX, u32::MAX)] {
            let h = Hlc {
                millis,
                counter,
                device: DeviceId(uuid::Uuid::new_v4()),
            };
            let expected = format!("\"{millis:x}.{counter:x}.{}\"", h.device.0.simple());
            assert_eq!(serde_json::to_string(&h).unwrap(), expected);
            assert_eq!(serde_json::from_str::<Hlc>(&expected).unwrap(), h);
        }
    }

    fn dev(n: u8) -> DeviceId {
        DeviceId(uuid::Uuid::from_bytes([n; 16]))
    }

    proptest! {
        /// Stamps issued by one clock strictly increase, whatever the wall clock does, and a
        /// received stamp is always below the next local one.
        #[test]
        fn stamps_always_increase(events in proptest::collection::vec((any::<bool>(), 0u64..10_000, 0u64..10_000, 0u32..5), 1..200)) {
            let mut clock = Hlc::zero(dev(1));
            for (remote, wall, rmillis, rcounter) in events {
                let next = if remote {
                    let r = Hlc { millis: rmillis, counter: rcounter, device: dev(2) };
                    let n = clock.receive(&r, wall).unwrap();
                    prop_assert!(n > r || (n.millis, n.counter) > (r.millis, r.counter));
                    n
                } else {
                    clock.tick(wall).unwrap()
                };
                prop_assert!(next > clock);
                clock = next;
            }
        }
    }

    #[test]
    fn stamps_round_trip_through_json() {
        let h = Hlc {
            millis: 1_795_000_000_123,
            counter: 7,
            device: dev(5),
        };
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<Hlc>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Hlc>("\"zz.1.2\"").is_err());
        assert!(serde_json::from_str::<Hlc>("\"1.2\"").is_err());
    }

    #[test]
    fn a_clock_far_in_the_future_is_refused() {
        let c = Hlc::zero(dev(1));
        let r = Hlc {
            millis: 10 * MAX_DRIFT_MILLIS,
            counter: 0,
            device: dev(2),
        };
        assert_eq!(c.receive(&r, 1000), Err(HlcError::TooFarAhead));
    }
}
