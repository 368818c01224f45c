//! Access-token checks: the user service's public keys (JWKS), cached in Redis, and the
//! session record. Every request is a fresh instance, so nothing is kept in memory: the
//! JWKS comes from `{p}jwks` (fetched from the user service by chaining when missing, kept
//! [`JWKS_TTL_SECS`]) and the session from `{p}session:{sid}` — one `GET` each.

use redshop_gateway::GatewayError;
use redshop_gateway::auth::{admit, refused, session_key};
use redshop_gateway::config::{JWKS_REFETCH_SECS, JWKS_TTL_SECS, Settings};
use redshop_gateway::identity::Identity;
use redshop_token::{Jwks, Verifier, VerifyError};

use crate::store::Store;
use crate::upstream::{self, Call, Failure};

/// Where the user service publishes its keys (docs/contracts.md).
const JWKS_PATH: &str = "/.well-known/jwks.json";

/// The verified identity behind `token`, or why it is refused. Redis being down is a 503:
/// without the session record a revoked token cannot be told from a live one.
pub fn identify(
    store: &mut Store,
    settings: &Settings,
    token: &str,
    request_id: &str,
) -> Result<Identity, GatewayError> {
    let now = wasi::clocks::wall_clock::now().seconds;
    let jwks_key = format!("{}jwks", settings.redis_prefix);
    let (jwks, from_cache) = match store.get(&jwks_key) {
        Ok(Some(raw)) => match serde_json::from_slice::<Jwks>(&raw) {
            Ok(jwks) => (jwks, true),
            Err(_) => (fetch(store, settings, &jwks_key, request_id)?, false),
        },
        Ok(None) => (fetch(store, settings, &jwks_key, request_id)?, false),
        Err(e) => return Err(GatewayError::Unavailable(e)),
    };
    let claims = match verifier(&jwks)?.verify(token, now) {
        Err(VerifyError::UnknownKey(kid)) if from_cache && may_refetch(store, settings) => {
            // A refetch that fails leaves the kid unknown: the token is refused, not the
            // service declared down (anyone can make up a kid).
            match fetch(store, settings, &jwks_key, request_id) {
                Ok(fresh) => verifier(&fresh)?.verify(token, now),
                Err(e) => {
                    eprintln!(
                        "gateway: request {request_id}: JWKS refetch failed: {}",
                        e.cause()
                    );
                    Err(VerifyError::UnknownKey(kid))
                }
            }
        }
        other => other,
    }
    .map_err(|e| refused(&e))?;
    let record = store
        .get(&session_key(&settings.redis_prefix, claims.sid))
        .map_err(GatewayError::Unavailable)?;
    admit(&claims, record.as_deref())
}

fn verifier(jwks: &Jwks) -> Result<Verifier, GatewayError> {
    Verifier::from_jwks(jwks).map_err(|e| GatewayError::Internal(format!("JWKS: {e}")))
}

/// An unknown `kid` refetches the JWKS at most once per [`JWKS_REFETCH_SECS`] (a `SET NX`),
/// so tokens with made-up kids cannot turn into a flood of calls to the user service.
fn may_refetch(store: &mut Store, settings: &Settings) -> bool {
    let key = format!("{}jwks:refetch", settings.redis_prefix);
    store.set_nx_ex(&key, JWKS_REFETCH_SECS).unwrap_or(false)
}

/// Fetches the JWKS from the user service and caches it (a cache write that fails is only
/// logged: the keys are still good for this request).
fn fetch(
    store: &mut Store,
    settings: &Settings,
    key: &str,
    request_id: &str,
) -> Result<Jwks, GatewayError> {
    let call = Call {
        service: "user",
        method: "GET",
        path_and_query: JWKS_PATH.to_owned(),
        headers: vec![("x-request-id".into(), request_id.as_bytes().to_vec())],
        body: &[],
    };
    let answer = upstream::send(call, settings.upstream_timeout_ms).map_err(|f| match f {
        Failure::Timeout => GatewayError::Timeout("user: JWKS".into()),
        Failure::Unreachable(why) => GatewayError::Unavailable(format!("JWKS: {why}")),
    })?;
    if answer.status != 200 {
        return Err(GatewayError::Unavailable(format!(
            "JWKS: user answered {}",
            answer.status
        )));
    }
    let jwks: Jwks = serde_json::from_slice(&answer.body)
        .map_err(|e| GatewayError::Internal(format!("JWKS is not readable: {e}")))?;
    if let Err(e) = store.set_ex(key, &answer.body, JWKS_TTL_SECS) {
        eprintln!("gateway: request {request_id}: caching the JWKS failed: {e}");
    }
    Ok(jwks)
}
