//! The catalog cache around a forwarded request (rules in `redshop_gateway::cache`).

use redshop_gateway::cache::{
    self, CACHEABLE, LOOKUP_SCRIPT, decode_entry, encode_entry, entry_key, entry_prefix,
    not_modified, version_key,
};

use crate::respond::Out;
use crate::store::{Store, bytes};

/// Where a cacheable request stands after the lookup.
pub struct Lookup {
    pub version: String,
    pub hash: String,
}

/// Looks the request up: `Ok(out)` for a hit (200 or 304), `Err(lookup)` for a miss to be
/// stored under, `Err(None)`-like (`None`) when Redis is down (fail open: forward, do not store).
pub fn lookup(
    store: &mut Store,
    prefix: &str,
    path: &str,
    query: &str,
    if_none_match: Option<&str>,
) -> Result<Out, Option<Lookup>> {
    let hash = cache::request_hash(path, query);
    let reply = match store.eval(
        LOOKUP_SCRIPT,
        &[version_key(prefix)],
        &[entry_prefix(prefix), hash.clone()],
    ) {
        Ok(reply) => reply,
        Err(e) => {
            eprintln!("gateway: catalog cache not consulted (failing open): {e}");
            return Err(None);
        }
    };
    let version = bytes(reply.first())
        .and_then(|v| String::from_utf8(v).ok())
        .unwrap_or_else(|| "0".to_owned());
    match bytes(reply.get(1)).as_deref().and_then(decode_entry) {
        Some((etag, body)) => Ok(answer(etag, body.to_vec(), if_none_match, "hit")),
        None => Err(Some(Lookup { version, hash })),
    }
}

/// Stores a fresh `200` body and answers it with its `ETag` (or `304`).
pub fn store_and_answer(
    store: &mut Store,
    prefix: &str,
    ttl: u64,
    at: &Lookup,
    body: Vec<u8>,
    if_none_match: Option<&str>,
) -> Out {
    let etag = cache::etag(&body);
    let key = entry_key(prefix, &at.version, &at.hash);
    if let Err(e) = store.set_ex(&key, &encode_entry(&etag, &body), ttl) {
        eprintln!("gateway: catalog cache not written: {e}");
    }
    answer(etag, body, if_none_match, "miss")
}

/// A catalog answer with its validators, `304` when the client already has it.
pub fn answer(etag: String, body: Vec<u8>, if_none_match: Option<&str>, cache_state: &str) -> Out {
    let out = if if_none_match.is_some_and(|inm| not_modified(inm, &etag)) {
        Out::empty(304)
    } else {
        let mut out = Out::json(200, &serde_json::Value::Null);
        out.body = body;
        out
    };
    out.with("etag", etag)
        .with("cache-control", CACHEABLE)
        .with("x-cache", cache_state)
}

/// After a catalog write went through: a new version, so every cached answer misses.
pub fn invalidate(store: &mut Store, prefix: &str) {
    if let Err(e) = store.incr(&version_key(prefix)) {
        eprintln!("gateway: catalog version not bumped (cached answers live out their TTL): {e}");
    }
}
