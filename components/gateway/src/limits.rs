//! Counting a request against its rate-limit buckets: one `EVAL` round trip.

use redshop_gateway::GatewayError;
use redshop_gateway::config::Settings;
use redshop_gateway::identity::Identity;
use redshop_gateway::ratelimit::{self, SCRIPT, decide};
use redshop_gateway::routes::{RouteSpec, Strict};

use crate::store::{Store, int};

/// Counts the request; refuses it with a 429 past a limit. The rate-limit headers go to
/// `extra` either way. When Redis is down the check fails open, except on the routes with
/// a strict bucket (sign-in, registration, password reset, checkout), which fail closed.
pub fn check(
    store: &mut Store,
    settings: &Settings,
    spec: &RouteSpec,
    identity: Option<&Identity>,
    client_addr: &str,
    extra: &mut Vec<(&'static str, String)>,
) -> Result<(), GatewayError> {
    let buckets = ratelimit::buckets(
        &settings.redis_prefix,
        &settings.limits,
        spec.strict,
        identity,
        client_addr,
    );
    let keys: Vec<String> = buckets.iter().map(|b| b.key.clone()).collect();
    let windows: Vec<String> = buckets
        .iter()
        .map(|b| (u64::from(b.limit.window_secs) * 1000).to_string())
        .collect();
    let reply = match store.eval(SCRIPT, &keys, &windows) {
        Ok(reply) => reply,
        Err(e) if spec.strict == Strict::None => {
            eprintln!("gateway: rate limit not checked (failing open): {e}");
            return Ok(());
        }
        Err(e) => return Err(GatewayError::Unavailable(format!("rate limit: {e}"))),
    };
    let counts: Vec<(i64, i64)> = reply
        .chunks(2)
        .map(|pair| {
            (
                int(pair.first()).unwrap_or(0),
                int(pair.get(1)).unwrap_or(0),
            )
        })
        .collect();
    let decision = decide(&buckets, &counts);
    extra.extend(decision.headers);
    if decision.allowed {
        Ok(())
    } else {
        Err(GatewayError::RateLimited {
            retry_after: decision.retry_after,
        })
    }
}
