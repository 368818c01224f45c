//! Rate limits: fixed windows counted in Redis, so every replica shares them.
//!
//! Each request counts against its general bucket — per user when signed in, per client
//! address otherwise — and, on sign-in, registration, password reset and checkout, against a
//! stricter one. All of a request's buckets are counted in one Redis round trip
//! ([`SCRIPT`]). Answers carry the IETF `RateLimit-Policy` and `RateLimit` fields
//! (draft-ietf-httpapi-ratelimit-headers): every policy that applied, and the remaining
//! quota of the one closest to running out; a refusal adds `Retry-After`.

use crate::identity::Identity;
use crate::routes::Strict;

/// Counts every key in `KEYS` (window in ms in the same position of `ARGV`), starting the
/// window on the first hit, and returns `count, ttl_ms` per key. A key found without a
/// TTL (a crash between `INCR` and `PEXPIRE`) gets one, so no bucket stays full forever.
pub const SCRIPT: &str = r"
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out
";

/// `requests` per `window_secs`, written `120/60` in a Spin variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: u32,
    pub window_secs: u32,
}

impl Limit {
    /// Parses `<requests>/<seconds>`, both at least 1 (a window of a day at most).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (n, w) = raw
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("rate limit `{raw}` is not `<requests>/<seconds>`"))?;
        let requests: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("rate limit `{raw}`: bad count"))?;
        let window_secs: u32 = w
            .trim()
            .parse()
            .map_err(|_| format!("rate limit `{raw}`: bad window"))?;
        if requests == 0 || !(1..=86_400).contains(&window_secs) {
            return Err(format!(
                "rate limit `{raw}`: count ≥ 1 and window 1..=86400 s"
            ));
        }
        Ok(Self {
            requests,
            window_secs,
        })
    }
}

/// The configured limits (Spin variables, see [`crate::config`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per client address, for requests without a valid token.
    pub anonymous: Limit,
    /// Per user, for signed-in requests.
    pub user: Limit,
    /// Per client address, on sign-in, registration and password reset.
    pub auth: Limit,
    /// Per user, on checkout.
    pub checkout: Limit,
}

/// One counter a request is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The policy name in the headers: `anonymous`, `user`, `auth` or `checkout`.
    pub policy: &'static str,
    /// `{p}ratelimit:{policy}:{subject}`.
    pub key: String,
    pub limit: Limit,
}

/// The buckets a request counts against.
pub fn buckets(
    prefix: &str,
    limits: &Limits,
    strict: Strict,
    identity: Option<&Identity>,
    client_addr: &str,
) -> Vec<Bucket> {
    let bucket = |policy: &'static str, subject: &str, limit: Limit| Bucket {
        policy,
        key: format!("{prefix}ratelimit:{policy}:{subject}"),
        limit,
    };
    let mut out = vec![match identity {
        Some(id) => bucket("user", &id.user_id, limits.user),
        None => bucket("anonymous", client_addr, limits.anonymous),
    }];
    match (strict, identity) {
        (Strict::Auth, _) => out.push(bucket("auth", client_addr, limits.auth)),
        (Strict::Checkout, Some(id)) => out.push(bucket("checkout", &id.user_id, limits.checkout)),
        (Strict::Checkout, None) => out.push(bucket("checkout", client_addr, limits.checkout)),
        (Strict::None, _) => {}
    }
    out
}

/// What the counters say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// Seconds until the exhausted bucket resets (when refused).
    pub retry_after: u64,
    /// `RateLimit-Policy` and `RateLimit` header values.
    pub headers: Vec<(&'static str, String)>,
}

/// Reads the counts the script returned (`count, ttl_ms` per bucket, in order).
pub fn decide(buckets: &[Bucket], counts: &[(i64, i64)]) -> Decision {
    let policy = buckets
        .iter()
        .map(|b| {
            format!(
                "\"{}\";q={};w={}",
                b.policy, b.limit.requests, b.limit.window_secs
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut tightest: Option<(i64, u64, &Bucket)> = None;
    let mut retry_after = 0;
    let mut allowed = true;
    for (bucket, &(count, ttl_ms)) in buckets.iter().zip(counts) {
        let reset = reset_secs(ttl_ms, bucket.limit.window_secs);
        let remaining = i64::from(bucket.limit.requests) - count;
        if remaining < 0 {
            allowed = false;
            retry_after = retry_after.max(reset);
        }
        if tightest.is_none_or(|(r, _, _)| remaining < r) {
            tightest = Some((remaining, reset, bucket));
        }
    }
    let mut headers = vec![("ratelimit-policy", policy)];
    if let Some((remaining, reset, bucket)) = tightest {
        headers.push((
            "ratelimit",
            format!("\"{}\";r={};t={reset}", bucket.policy, remaining.max(0)),
        ));
    }
    Decision {
        allowed,
        retry_after,
        headers,
    }
}

/// Whole seconds until a window ends (at least 1, at most the window).
fn reset_secs(ttl_ms: i64, window_secs: u32) -> u64 {
    let ttl = u64::try_from(ttl_ms).unwrap_or(0);
    ttl.div_ceil(1000).clamp(1, u64::from(window_secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Role;

    fn limits() -> Limits {
        Limits {
            anonymous: Limit::parse("100/60").unwrap(),
            user: Limit::parse("200/60").unwrap(),
            auth: Limit::parse("5/60").unwrap(),
            checkout: Limit::parse("3/30").unwrap(),
        }
    }

    #[test]
    fn limits_parse_count_and_window() {
        assert_eq!(
            Limit::parse(" 10 / 60 "),
            Ok(Limit {
                requests: 10,
                window_secs: 60
            })
        );
        for bad in ["10", "0/60", "10/0", "10/86401", "ten/60", "-1/60"] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn anonymous_requests_count_per_address_and_signed_in_ones_per_user() {
        let who = Identity {
            user_id: "u1".into(),
            role: Role::Customer,
            session_id: "s".into(),
        };
        let anon = buckets("p:", &limits(), Strict::None, None, "1.2.3.4");
        assert_eq!(
            anon.iter().map(|b| b.key.as_str()).collect::<Vec<_>>(),
            ["p:ratelimit:anonymous:1.2.3.4"]
        );
        let user = buckets("p:", &limits(), Strict::Checkout, Some(&who), "1.2.3.4");
        assert_eq!(
            user.iter().map(|b| b.key.as_str()).collect::<Vec<_>>(),
            ["p:ratelimit:user:u1", "p:ratelimit:checkout:u1"]
        );
        let login = buckets("p:", &limits(), Strict::Auth, None, "1.2.3.4");
        assert_eq!(login[1].key, "p:ratelimit:auth:1.2.3.4");
    }

    #[test]
    fn the_headers_show_every_policy_and_the_tightest_remaining() {
        let b = buckets("p:", &limits(), Strict::Auth, None, "a");
        let d = decide(&b, &[(10, 59_500), (4, 30_001)]);
        assert!(d.allowed);
        assert_eq!(
            d.headers,
            vec![
                (
                    "ratelimit-policy",
                    "\"anonymous\";q=100;w=60, \"auth\";q=5;w=60".to_owned()
                ),
                ("ratelimit", "\"auth\";r=1;t=31".to_owned()),
            ]
        );
    }

    #[test]
    fn one_request_over_the_limit_is_refused_until_the_window_ends() {
        let b = buckets("p:", &limits(), Strict::Auth, None, "a");
        let at_limit = decide(&b, &[(6, 1000), (5, 1000)]);
        assert!(at_limit.allowed);
        let over = decide(&b, &[(7, 1000), (6, 12_345)]);
        assert!(!over.allowed);
        assert_eq!(over.retry_after, 13);
        assert_eq!(over.headers[1].1, "\"auth\";r=0;t=13");
    }

    #[test]
    fn reset_is_clamped_to_the_window() {
        assert_eq!(reset_secs(-1, 60), 1);
        assert_eq!(reset_secs(0, 60), 1);
        assert_eq!(reset_secs(120_000, 60), 60);
    }
}
