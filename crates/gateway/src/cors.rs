//! CORS: an allow-list of origins (the storefront's own by default). An allowed origin gets
//! the `Access-Control-*` headers, a preflight from it gets `204`; anything else gets no
//! CORS header at all, so the browser refuses it. Credentials are allowed because the
//! refresh cookie is sent with `/auth/refresh`; that is why origins are listed, never `*`.

use crate::method::Method;

/// Request headers a browser may send cross-origin.
pub const ALLOWED_HEADERS: &str =
    "authorization, content-type, idempotency-key, x-request-id, x-cart-id, x-requested-with";
/// Response headers a script may read.
pub const EXPOSED_HEADERS: &str =
    "x-request-id, etag, ratelimit, ratelimit-policy, retry-after, location, idempotent-replayed";
/// How long a browser may cache a preflight: 10 minutes.
pub const MAX_AGE_SECS: u32 = 600;

/// The configured origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins(Vec<String>);

impl Origins {
    /// A comma-separated list of exact origins (`scheme://host[:port]`, no path).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let (scheme, host) = origin
                .split_once("://")
                .ok_or_else(|| format!("CORS origin `{origin}` has no scheme"))?;
            if !matches!(scheme, "http" | "https") || host.is_empty() || host.contains('/') {
                return Err(format!(
                    "CORS origin `{origin}` is not scheme://host[:port]"
                ));
            }
            out.push(origin.to_ascii_lowercase());
        }
        Ok(Self(out))
    }

    /// The origin back when it is listed (compared case-insensitively, as browsers send it
    /// lower-case anyway).
    pub fn allows<'a>(&self, origin: &'a str) -> Option<&'a str> {
        self.0
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
            .then_some(origin)
    }
}

/// Headers for a normal (non-preflight) response to an allowed origin.
pub fn response_headers(origin: &str) -> Vec<(&'static str, String)> {
    vec![
        ("access-control-allow-origin", origin.to_owned()),
        ("access-control-allow-credentials", "true".to_owned()),
        ("access-control-expose-headers", EXPOSED_HEADERS.to_owned()),
    ]
}

/// Headers for a preflight that is allowed: the path's methods must include the one asked.
pub fn preflight_headers(
    origin: &str,
    requested: Method,
    path_methods: &[Method],
) -> Option<Vec<(&'static str, String)>> {
    if !path_methods.contains(&requested) {
        return None;
    }
    let methods: Vec<&str> = path_methods.iter().map(|m| m.as_str()).collect();
    Some(vec![
        ("access-control-allow-origin", origin.to_owned()),
        ("access-control-allow-credentials", "true".to_owned()),
        ("access-control-allow-methods", methods.join(", ")),
        ("access-control-allow-headers", ALLOWED_HEADERS.to_owned()),
        ("access-control-max-age", MAX_AGE_SECS.to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact_and_listed() {
        let o = Origins::parse("http://127.0.0.1:3000, https://shop.example").unwrap();
        assert_eq!(
            o.allows("http://127.0.0.1:3000"),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(
            o.allows("https://SHOP.example"),
            Some("https://SHOP.example")
        );
        assert_eq!(o.allows("https://evil.example"), None);
        assert_eq!(o.allows("http://127.0.0.1:3001"), None);
        assert_eq!(o.allows("null"), None);
    }

    #[test]
    fn malformed_origins_are_refused() {
        for bad in ["127.0.0.1:3000", "ftp://x", "https://x/path", "https://"] {
            assert!(Origins::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Origins::parse(""), Ok(Origins(Vec::new())));
    }

    #[test]
    fn a_preflight_is_allowed_only_for_a_method_the_path_has() {
        let methods = [Method::Get, Method::Post];
        let h = preflight_headers("http://a", Method::Post, &methods).unwrap();
        assert!(h.contains(&("access-control-allow-methods", "GET, POST".to_owned())));
        assert!(preflight_headers("http://a", Method::Delete, &methods).is_none());
    }
}
