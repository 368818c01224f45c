//! The gateway's settings: Spin variable names, their defaults, and the limits that are
//! constants. A component reads settings only through these variables
//! (`[component.gateway.variables]` in `spin.toml`); an unset or empty variable takes the
//! default here, a malformed one is a start-up-visible error in the log and a 500.

use crate::cors::Origins;
use crate::ratelimit::{Limit, Limits};

pub const REDIS_URL: &str = "redis_url";
pub const REDIS_PREFIX: &str = "redis_prefix";
pub const CORS_ORIGINS: &str = "cors_origins";
pub const RATE_LIMIT_ANONYMOUS: &str = "rate_limit_anonymous";
pub const RATE_LIMIT_USER: &str = "rate_limit_user";
pub const RATE_LIMIT_AUTH: &str = "rate_limit_auth";
pub const RATE_LIMIT_CHECKOUT: &str = "rate_limit_checkout";
pub const UPSTREAM_TIMEOUT_MS: &str = "upstream_timeout_ms";
pub const CACHE_TTL_SECS: &str = "cache_ttl_seconds";

/// Defaults. 120 anonymous requests a minute per address is two a second, well above a
/// person browsing (Online Boutique's load generator waits 1–10 s between tasks); a signed-in
/// user gets twice that. Ten sign-in attempts a minute per address make password guessing
/// slow; ten checkouts a minute per user stop a runaway client, not a shopper.
pub const DEFAULT_RATE_LIMIT_ANONYMOUS: &str = "120/60";
pub const DEFAULT_RATE_LIMIT_USER: &str = "240/60";
pub const DEFAULT_RATE_LIMIT_AUTH: &str = "10/60";
pub const DEFAULT_RATE_LIMIT_CHECKOUT: &str = "10/60";
pub const DEFAULT_CORS_ORIGINS: &str = "http://127.0.0.1:3000,http://localhost:3000";
pub const DEFAULT_REDIS_PREFIX: &str = "redshop:";
/// A chained call that takes longer than 5 s is answered `504`: checkout, the slowest call
/// (a reservation transaction plus the user lookup), takes milliseconds here.
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u64 = 5_000;
/// Catalog answers live 5 s in Redis: stock shown is never staler than that, even for a
/// change that did not go through a catalog writer.
pub const DEFAULT_CACHE_TTL_SECS: u64 = 5;
/// The JWKS is kept 300 s (docs/contracts.md); an unknown `kid` refetches it sooner, at
/// most once per [`JWKS_REFETCH_SECS`] so forged `kid`s cannot hammer the user service.
pub const JWKS_TTL_SECS: u64 = 300;
pub const JWKS_REFETCH_SECS: u64 = 10;

/// Every setting, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub origins: Origins,
    pub limits: Limits,
    pub upstream_timeout_ms: u64,
    pub cache_ttl_secs: u64,
}

impl Settings {
    /// Parses the variables `get` returns (`None` or empty: the default).
    pub fn from_variables(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let limit = |name: &str, default: &str| {
            Limit::parse(&var(name).unwrap_or_else(|| default.to_owned()))
                .map_err(|e| format!("{name}: {e}"))
        };
        let number = |name: &str, default: u64, max: u64| match var(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| format!("{name}: `{raw}` is not a number in 1..={max}")),
        };
        Ok(Self {
            redis_url: var(REDIS_URL),
            redis_prefix: var(REDIS_PREFIX).unwrap_or_else(|| DEFAULT_REDIS_PREFIX.to_owned()),
            origins: Origins::parse(
                &var(CORS_ORIGINS).unwrap_or_else(|| DEFAULT_CORS_ORIGINS.to_owned()),
            )
            .map_err(|e| format!("{CORS_ORIGINS}: {e}"))?,
            limits: Limits {
                anonymous: limit(RATE_LIMIT_ANONYMOUS, DEFAULT_RATE_LIMIT_ANONYMOUS)?,
                user: limit(RATE_LIMIT_USER, DEFAULT_RATE_LIMIT_USER)?,
                auth: limit(RATE_LIMIT_AUTH, DEFAULT_RATE_LIMIT_AUTH)?,
                checkout: limit(RATE_LIMIT_CHECKOUT, DEFAULT_RATE_LIMIT_CHECKOUT)?,
            },
            upstream_timeout_ms: number(UPSTREAM_TIMEOUT_MS, DEFAULT_UPSTREAM_TIMEOUT_MS, 60_000)?,
            cache_ttl_secs: number(CACHE_TTL_SECS, DEFAULT_CACHE_TTL_SECS, 3_600)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_variables_take_the_defaults() {
        let s = Settings::from_variables(|_| None).unwrap();
        assert_eq!(s.redis_prefix, "redshop:");
        assert_eq!(
            s.limits.auth,
            Limit {
                requests: 10,
                window_secs: 60
            }
        );
        assert_eq!(s.upstream_timeout_ms, 5_000);
        assert_eq!(s.cache_ttl_secs, 5);
        assert_eq!(s.redis_url, None);
    }

    #[test]
    fn set_variables_win_and_bad_ones_are_named() {
        let s = Settings::from_variables(|n| match n {
            RATE_LIMIT_AUTH => Some("3/10".into()),
            UPSTREAM_TIMEOUT_MS => Some("750".into()),
            _ => Some(String::new()),
        })
        .unwrap();
        assert_eq!(
            s.limits.auth,
            Limit {
                requests: 3,
                window_secs: 10
            }
        );
        assert_eq!(s.upstream_timeout_ms, 750);
        let err = Settings::from_variables(|n| (n == UPSTREAM_TIMEOUT_MS).then(|| "0".into()))
            .unwrap_err();
        assert!(err.starts_with("upstream_timeout_ms"), "{err}");
        let err =
            Settings::from_variables(|n| (n == CORS_ORIGINS).then(|| "*".into())).unwrap_err();
        assert!(err.starts_with("cors_origins"), "{err}");
    }
}
