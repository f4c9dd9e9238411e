//! Brute-force throttling of logins: failed attempts are counted per account name and per
//! client address over a sliding window, and a key with too many is refused (HTTP 429 with
//! `Retry-After`) until its oldest failure in the window has aged out.
//!
//! Unknown names are counted like known ones, so that being throttled does not tell which
//! names exist. A throttled attempt is refused before its password is checked, so the
//! right password does not get in while an account is locked. The table is bounded: when
//! it is full, expired keys go first, then the quietest. Time is passed in by the caller
//! (an [`Instant`]), so tests need no clock. This module must not touch the store or HTTP.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins one account name may have within [`WINDOW`].
pub(crate) const ACCOUNT_FAILURES: usize = 5;
/// Failed logins one client address may have within [`WINDOW`] (any names).
pub(crate) const ADDRESS_FAILURES: usize = 20;
/// How far back failures count.
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most keys remembered per table; an attacker rotating names cannot grow it further.
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
struct Table {
    failures: HashMap<String, Vec<Instant>>,
}

impl Table {
    fn recent(&mut self, key: &str, now: Instant) -> Option<&mut Vec<Instant>> {
        let v = self.failures.get_mut(key)?;
        v.retain(|t| now.saturating_duration_since(*t) < WINDOW);
        Some(v)
    }

    /// Seconds until `key` may try again, when it has `limit` failures in the window.
    fn wait(&mut self, key: &str, limit: usize, now: Instant) -> Option<u64> {
        let v = self.recent(key, now)?;
        if v.len() < limit {
            return None;
        }
        let oldest = v.iter().min().copied()?;
        let left = WINDOW.saturating_sub(now.saturating_duration_since(oldest));
        Some(left.as_secs().max(1))
    }

    fn fail(&mut self, key: &str, limit: usize, now: Instant) {
        if !self.failures.contains_key(key) && self.failures.len() >= MAX_KEYS {
            self.failures.retain(|_, v| {
                v.retain(|t| now.saturating_duration_since(*t) < WINDOW);
                !v.is_empty()
            });
            if self.failures.len() >= MAX_KEYS {
                let quietest = self
                    .failures
                    .iter()
                    .min_by_key(|(_, v)| v.iter().max().copied())
                    .map(|(k, _)| k.clone());
                if let Some(k) = quietest {
                    self.failures.remove(&k);
                }
            }
        }
        let v = self.failures.entry(key.to_string()).or_default();
        v.retain(|t| now.saturating_duration_since(*t) < WINDOW);
        v.push(now);
        // More than the limit is never needed to decide.
        if v.len() > limit {
            let cut = v.len() - limit;
            v.drain(..cut);
        }
    }
}

/// The login throttle a server shares between its requests.
#[derive(Default)]
pub(crate) struct Throttle {
    accounts: Mutex<Table>,
    addresses: Mutex<Table>,
}

impl Throttle {
    /// Seconds to wait before this name may try again from this address, if either has
    /// failed too often.
    pub fn wait(&self, name: &str, address: &str, now: Instant) -> Option<u64> {
        let a = self
            .accounts
            .lock()
            .ok()
            .and_then(|mut t| t.wait(name, ACCOUNT_FAILURES, now));
        let b = self
            .addresses
            .lock()
            .ok()
            .and_then(|mut t| t.wait(address, ADDRESS_FAILURES, now));
        a.max(b)
    }

    /// Counts a failed login against the name and the address.
    pub fn failed(&self, name: &str, address: &str, now: Instant) {
        if let Ok(mut t) = self.accounts.lock() {
            t.fail(name, ACCOUNT_FAILURES, now);
        }
        if let Ok(mut t) = self.addresses.lock() {
            t.fail(address, ADDRESS_FAILURES, now);
        }
    }

    /// A successful login clears the name's failures (not the address's: one good
    /// password must not reset an address that is guessing at others).
    pub(crate) fn succeeded(&self, name: &str) {
        if let Ok(mut t) = self.accounts.lock() {
            t.failures.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_its_failures_until_the_window_passes() {
        let t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..ACCOUNT_FAILURES {
            assert_eq!(t.wait("ia1", "10.0.0.1", t0), None, "attempt {i}");
            t.failed("ia1", "10.0.0.1", t0);
        }
        let w = t.wait("ia1", "10.0.0.2", t0).expect("locked from anywhere");
        assert!(w > 0 && w <= WINDOW.as_secs());
        assert_eq!(t.wait("ia2", "10.0.0.2", t0), None, "other names are not");
        assert_eq!(t.wait("ia1", "10.0.0.2", t0 + WINDOW), None, "aged out");
        t.succeeded("ia1");
        assert_eq!(t.wait("ia1", "10.0.0.2", t0), None);
    }

    #[test]
    fn an_address_is_locked_whatever_names_it_tries() {
        let t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..ADDRESS_FAILURES {
            t.failed(&format!("guess{i}"), "10.0.0.9", t0);
        }
        assert!(t.wait("someone", "10.0.0.9", t0).is_some());
        assert_eq!(t.wait("someone", "10.0.0.8", t0), None);
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..(MAX_KEYS + 50) {
            t.failed(&format!("n{i}"), "a", t0 + Duration::from_millis(i as u64));
        }
        assert!(t.accounts.lock().unwrap().failures.len() <= MAX_KEYS);
    }
}
