//! The catalog cache: anonymous public `GET`s stored in Redis for a few seconds, under a key
//! that names the catalog version and the normalised request, with a strong `ETag`.
//!
//! Invalidation is by version rather than by deleting keys: every catalog write through the
//! gateway, and every stock reservation, release or commit by the order service, runs `INCR
//! {p}catalog:version`; the next lookup reads the new version and misses, and old entries
//! expire by their TTL. Only requests without credentials are looked up or stored, so a
//! cached answer can never cross users.

use sha2::{Digest as _, Sha256};

/// Looks the version up and, under it, the entry: one round trip. `KEYS[1]` is the version
/// key; `ARGV[1]` the entry prefix (`{p}catalog:`), `ARGV[2]` the request hash. Answers
/// `version, entry-or-nil`.
pub const LOOKUP_SCRIPT: &str = r"
local v = redis.call('GET', KEYS[1]) or '0'
return {v, redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])}
";

/// What browsers are told about a cached catalog answer: keep it, but revalidate every
/// time (a `304` costs one Redis round trip and no body).
pub const CACHEABLE: &str = "public, no-cache";
/// Everything else the gateway answers.
pub const NOT_CACHEABLE: &str = "no-store";

/// The version counter every catalog writer increments.
pub fn version_key(prefix: &str) -> String {
    format!("{prefix}catalog:version")
}

/// The entry prefix (`{p}catalog:`), completed by the version and the request hash.
pub fn entry_prefix(prefix: &str) -> String {
    format!("{prefix}catalog:")
}

/// The full key of one entry.
pub fn entry_key(prefix: &str, version: &str, hash: &str) -> String {
    format!("{}{version}:{hash}", entry_prefix(prefix))
}

/// The query with its pairs sorted by name (values of one name keep their order), each
/// name and value percent-decoded and re-encoded one way, empty pairs dropped. `None` when
/// the query has an invalid escape: such a request is forwarded as sent and not cached.
pub fn normalise_query(query: &str) -> Option<String> {
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((encode(&decode(k)?), encode(&decode(v)?)));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Some(
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
    )
}

/// The request part of a cache key: a SHA-256 of path and normalised query, so keys stay
/// short however long the search text.
pub fn request_hash(path: &str, normalised_query: &str) -> String {
    hex(&Sha256::digest(
        format!("{path}?{normalised_query}").as_bytes(),
    ))
}

/// A strong `ETag` over the body: the first 128 bits of its SHA-256, quoted.
pub fn etag(body: &[u8]) -> String {
    format!("\"{}\"", &hex(&Sha256::digest(body))[..32])
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for it; `*`
/// matches any).
pub fn not_modified(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if_none_match.trim() == "*" || if_none_match.split(',').any(|t| bare(t) == bare(etag))
}

/// A stored entry: `etag`, a newline, the body.
pub fn encode_entry(etag: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(etag.len() + 1 + body.len());
    out.extend_from_slice(etag.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// The `(etag, body)` of a stored entry; `None` when it is not one (then it is a miss).
pub fn decode_entry(raw: &[u8]) -> Option<(String, &[u8])> {
    let split = raw.iter().position(|b| *b == b'\n')?;
    let tag = std::str::from_utf8(&raw[..split]).ok()?;
    (tag.starts_with('"') && tag.ends_with('"') && tag.len() > 2)
        .then(|| (tag.to_owned(), &raw[split + 1..]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode(raw: &str) -> Option<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_queries_normalise_alike() {
        let a = normalise_query("q=trail+shoe&category=shoes&&brand=B&brand=A").unwrap();
        let b = normalise_query("brand=B&category=shoes&q=trail%20shoe&brand=A").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "brand=B&brand=A&category=shoes&q=trail%20shoe");
        assert_ne!(
            a,
            normalise_query("brand=A&brand=B&category=shoes&q=trail%20shoe").unwrap()
        );
    }

    #[test]
    fn invalid_escapes_are_not_cached() {
        assert_eq!(normalise_query("q=%zz"), None);
        assert_eq!(normalise_query("q=%4"), None);
        assert_eq!(normalise_query(""), Some(String::new()));
    }

    #[test]
    fn keys_name_the_version_and_a_hash_of_the_request() {
        let h = request_hash("/products", "q=lamp");
        assert_eq!(h.len(), 64);
        assert_ne!(h, request_hash("/products", "q=lamps"));
        assert_ne!(h, request_hash("/categories", "q=lamp"));
        assert_eq!(entry_key("p:", "7", &h), format!("p:catalog:7:{h}"));
        assert_eq!(version_key("p:"), "p:catalog:version");
    }

    #[test]
    fn etags_are_strong_and_match_if_none_match() {
        let tag = etag(b"{\"items\":[]}");
        assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
        assert_ne!(tag, etag(b"{\"items\":[1]}"));
        assert!(not_modified(&tag, &tag));
        assert!(not_modified(&format!("\"x\", W/{tag}"), &tag));
        assert!(not_modified("*", &tag));
        assert!(!not_modified("\"other\"", &tag));
    }

    #[test]
    fn entries_round_trip_and_garbage_is_a_miss() {
        let raw = encode_entry("\"abc\"", b"body\nwith newline");
        assert_eq!(
            decode_entry(&raw),
            Some(("\"abc\"".to_owned(), &b"body\nwith newline"[..]))
        );
        assert_eq!(decode_entry(b"no newline"), None);
        assert_eq!(decode_entry(b"unquoted\nbody"), None);
    }
}
