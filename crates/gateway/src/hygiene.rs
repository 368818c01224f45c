//! What every request and response goes through regardless of route: the body cap, the
//! JSON content-type rule, the security headers, and how an upstream failure is reported.

use crate::error::GatewayError;

/// The largest request body the gateway forwards: 1 MiB, the host's own cap in
/// `redshop.toml` and above the largest body any service accepts (a product with every
/// field at its limit is about 651 KiB). Larger bodies are refused before any service
/// sees them.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Headers on every gateway response. The API serves JSON only, so its CSP forbids
/// everything; the storefront sets its own for its pages.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("x-frame-options", "DENY"),
];

/// Whether a `content-type` value is JSON (`application/json`, any parameters, any case).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|v| {
        v.split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// A request that carries a body must say it is JSON (415 otherwise); a request without a
/// body may say anything.
pub fn check_body_type(has_body: bool, content_type: Option<&str>) -> Result<(), GatewayError> {
    if has_body && !is_json(content_type) {
        return Err(GatewayError::UnsupportedMediaType);
    }
    Ok(())
}

/// How an upstream status reaches the client. A service's 5xx becomes the gateway's
/// `503 service_unavailable` (its `504` stays a `504`): a client cannot act on the
/// difference between a bug and an outage, and the cause is in the service's log under the
/// same request id. Every other status passes through with its body.
pub fn upstream_failure(service: &str, status: u16) -> Option<GatewayError> {
    match status {
        504 => Some(GatewayError::Timeout(format!("{service} answered 504"))),
        500..=599 => Some(GatewayError::Unavailable(format!(
            "{service} answered {status}"
        ))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_are_recognised() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/jsonx")));
        assert!(!is_json(None));
    }

    #[test]
    fn only_bodies_need_a_json_type() {
        assert_eq!(check_body_type(false, None), Ok(()));
        assert_eq!(check_body_type(true, Some("application/json")), Ok(()));
        assert_eq!(
            check_body_type(true, Some("application/x-www-form-urlencoded")),
            Err(GatewayError::UnsupportedMediaType)
        );
    }

    #[test]
    fn upstream_5xx_become_503_and_504_stays() {
        assert_eq!(
            upstream_failure("product", 500).map(|e| e.status()),
            Some(503)
        );
        assert_eq!(
            upstream_failure("product", 503).map(|e| e.status()),
            Some(503)
        );
        assert_eq!(
            upstream_failure("product", 504).map(|e| e.status()),
            Some(504)
        );
        assert_eq!(upstream_failure("product", 409), None);
    }
}
