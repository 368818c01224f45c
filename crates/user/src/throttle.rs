//! Throttling failed sign-ins, per account and per client address, with counters in Redis:
//! `INCR` on each failure, `EXPIRE` for the window on the first. While a counter is at its
//! limit, sign-in answers 429 with `Retry-After` = the counter's remaining TTL, without
//! looking at the password (so guessing costs nothing but time). A successful sign-in clears
//! the account's counter; the address counter only expires, so one good password does not
//! reset a spray across many accounts.
//!
//! Keys: `{p}throttle:account:{sha256(email key)}` (no address in clear in Redis) and
//! `{p}throttle:addr:{client address}`.

use crate::email::Email;
use crate::error::UserError;
use crate::secret::digest;

/// Failed sign-ins per account within a window before it is throttled: OWASP's
/// Authentication Cheat Sheet suggests a small number; 5 stops guessing and forgives typos.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failed sign-ins per client address within a window: higher, since an office or a mobile
/// carrier puts many people behind one address.
pub const ADDRESS_LIMIT: i64 = 20;
/// The window, and how long a trip lasts: 15 minutes.
pub const WINDOW_SECS: u64 = 15 * 60;
/// Password-reset requests per account within a window: each sends an email, so a third
/// covers a lost message and a retry, and a fourth is someone flooding that inbox. Counted
/// for every address asked about, account or not, so the answer reveals nothing.
pub const RESET_LIMIT: i64 = 3;

/// Where the counters are and how strict they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub account_limit: i64,
    pub address_limit: i64,
    pub window_secs: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            account_limit: ACCOUNT_LIMIT,
            address_limit: ADDRESS_LIMIT,
            window_secs: WINDOW_SECS,
        }
    }
}

pub fn account_key(prefix: &str, email: &Email) -> String {
    format!(
        "{prefix}throttle:account:{}",
        digest(email.key().as_bytes())
    )
}

/// Password-reset requests for one email address (hashed, like [`account_key`]).
pub fn reset_key(prefix: &str, email: &Email) -> String {
    format!("{prefix}throttle:reset:{}", digest(email.key().as_bytes()))
}

/// Refuses a password reset for an address already asked about [`RESET_LIMIT`] times in
/// the window, saying when to retry.
pub fn check_reset(requests: Counter, window_secs: u64) -> Result<(), UserError> {
    if requests.count >= RESET_LIMIT {
        let retry_after_secs = requests.ttl_secs.unwrap_or(window_secs).max(1);
        return Err(UserError::Throttled { retry_after_secs });
    }
    Ok(())
}

/// The client address as the gateway forwards it; anything that is not an IP address
/// (a missing header on an internal call) shares one bucket.
pub fn address_key(prefix: &str, client_addr: Option<&str>) -> String {
    let addr = client_addr
        .and_then(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    format!("{prefix}throttle:addr:{addr}")
}

/// A counter as read from Redis: its value and its remaining TTL in seconds (`None` when the
/// key has no TTL or does not exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub count: i64,
    pub ttl_secs: Option<u64>,
}

impl Policy {
    /// Refuses with [`UserError::Throttled`] while either counter is at its limit.
    pub fn check(&self, account: Counter, address: Counter) -> Result<(), UserError> {
        let retry = |c: Counter| c.ttl_secs.unwrap_or(self.window_secs).max(1);
        let mut wait = None;
        if account.count >= self.account_limit {
            wait = Some(retry(account));
        }
        if address.count >= self.address_limit {
            wait = Some(wait.unwrap_or(0).max(retry(address)));
        }
        match wait {
            Some(retry_after_secs) => Err(UserError::Throttled { retry_after_secs }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(count: i64, ttl: u64) -> Counter {
        Counter {
            count,
            ttl_secs: Some(ttl),
        }
    }

    #[test]
    fn a_fourth_reset_request_for_one_address_waits_for_the_window() {
        assert_eq!(check_reset(c(2, 100), 900), Ok(()));
        assert_eq!(
            check_reset(c(3, 100), 900),
            Err(UserError::Throttled {
                retry_after_secs: 100
            })
        );
        let email = Email::parse("Ada@Example.com").expect("email");
        assert!(reset_key("t:", &email).starts_with("t:throttle:reset:"));
        assert_ne!(reset_key("t:", &email), account_key("t:", &email));
    }

    #[test]
    fn under_the_limits_nothing_is_refused() {
        assert_eq!(Policy::default().check(c(4, 100), c(19, 100)), Ok(()));
    }

    #[test]
    fn either_limit_trips_with_the_longest_wait() {
        let p = Policy::default();
        assert_eq!(
            p.check(c(5, 30), c(0, 0)),
            Err(UserError::Throttled {
                retry_after_secs: 30
            })
        );
        assert_eq!(
            p.check(c(0, 0), c(20, 70)),
            Err(UserError::Throttled {
                retry_after_secs: 70
            })
        );
        assert_eq!(
            p.check(c(9, 30), c(25, 70)),
            Err(UserError::Throttled {
                retry_after_secs: 70
            })
        );
        assert_eq!(
            p.check(
                Counter {
                    count: 5,
                    ttl_secs: None
                },
                Counter::default()
            ),
            Err(UserError::Throttled {
                retry_after_secs: WINDOW_SECS
            })
        );
    }

    #[test]
    fn keys_hide_the_email_and_normalise_the_address() {
        let e = Email::parse("Ada@Example.com").expect("valid");
        let k = account_key("t:", &e);
        assert!(
            k.starts_with("t:throttle:account:") && !k.contains("example"),
            "{k}"
        );
        assert_eq!(
            k,
            account_key("t:", &Email::parse("ada@example.com").expect("valid"))
        );
        assert_eq!(
            address_key("t:", Some("203.0.113.9")),
            "t:throttle:addr:203.0.113.9"
        );
        assert_eq!(address_key("t:", Some("junk")), "t:throttle:addr:unknown");
        assert_eq!(address_key("t:", None), "t:throttle:addr:unknown");
    }
}
