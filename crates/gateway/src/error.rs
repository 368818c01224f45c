//! Every way the gateway refuses a request, mapped to a status, a code and headers in one
//! place. Bodies follow the shared shape `{"error": "<code>", "message": "..."}`
//! (docs/contracts.md, "Errors"); a 5xx never carries its cause, which the component logs
//! with the request id.

use serde_json::json;

use crate::MAX_BODY_BYTES;

/// `WWW-Authenticate` realm of every 401.
const REALM: &str = "redshop";

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("no route for {method} {path}")]
    NotFound { method: String, path: String },
    #[error("method not allowed; use {allow}")]
    MethodNotAllowed { allow: String },
    /// No access token where one is required.
    #[error("this operation needs an access token (Authorization: Bearer …)")]
    Unauthenticated,
    /// A token was presented and refused; the reason is said, never the expected values.
    #[error("the access token is not valid: {0}")]
    InvalidToken(String),
    /// A refresh-cookie call without the CSRF header.
    #[error("this call needs the header `x-requested-with: redshop`")]
    CsrfCheckFailed,
    #[error("this operation needs the admin role")]
    Forbidden,
    /// A CORS preflight from an origin not on the allow-list, or for a method the path lacks.
    #[error("this cross-origin request is not allowed")]
    CorsDenied,
    #[error("request body exceeds {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    #[error("request bodies must be JSON (content-type: application/json)")]
    UnsupportedMediaType,
    #[error("request body could not be read: {0}")]
    UnreadableBody(String),
    #[error("too many requests; retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// A service (or Redis, where the gateway fails closed) is down or answered a 5xx.
    #[error("{0}")]
    Unavailable(String),
    /// A service did not answer within the gateway's timeout.
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    Internal(String),
}

/// A response as plain data, for the component to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: serde_json::Value,
}

impl GatewayError {
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Unauthenticated | Self::InvalidToken(_) => 401,
            Self::CsrfCheckFailed | Self::Forbidden | Self::CorsDenied => 403,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::UnreadableBody(_) => 400,
            Self::RateLimited { .. } => 429,
            Self::Unavailable(_) => 503,
            Self::Timeout(_) => 504,
            Self::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Unauthenticated => "unauthorized",
            Self::InvalidToken(_) => "invalid_token",
            Self::CsrfCheckFailed => "csrf_check_failed",
            Self::Forbidden => "forbidden",
            Self::CorsDenied => "cors_denied",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnreadableBody(_) => "invalid_body",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable(_) => "service_unavailable",
            Self::Timeout(_) => "upstream_timeout",
            Self::Internal(_) => "internal",
        }
    }

    /// The cause, for the log (5xx) — the client sees [`Self::reply`]'s message only.
    pub fn cause(&self) -> String {
        self.to_string()
    }

    /// The response: status, the headers this error requires, and the JSON body.
    pub fn reply(&self) -> ErrorReply {
        let message = match self {
            Self::Unavailable(_) => "the service is unavailable; try again shortly".to_owned(),
            Self::Timeout(_) => "the service did not answer in time".to_owned(),
            Self::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        let mut headers = Vec::new();
        match self {
            Self::MethodNotAllowed { allow } => headers.push(("allow", allow.clone())),
            Self::Unauthenticated => {
                headers.push(("www-authenticate", format!("Bearer realm=\"{REALM}\"")));
            }
            Self::InvalidToken(_) => headers.push((
                "www-authenticate",
                format!("Bearer realm=\"{REALM}\", error=\"invalid_token\""),
            )),
            Self::RateLimited { retry_after } => {
                headers.push(("retry-after", retry_after.to_string()));
            }
            Self::Unavailable(_) => headers.push(("retry-after", "5".to_owned())),
            _ => {}
        }
        ErrorReply {
            status: self.status(),
            headers,
            body: json!({ "error": self.code(), "message": message }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_never_carry_their_cause() {
        for e in [
            GatewayError::Unavailable("product: connection refused to 10.0.0.3".into()),
            GatewayError::Timeout("product after 5000 ms".into()),
            GatewayError::Internal("redis says WRONGTYPE".into()),
        ] {
            let reply = e.reply();
            let text = reply.body.to_string();
            assert!(
                !text.contains("10.0.0.3") && !text.contains("WRONGTYPE") && !text.contains("5000"),
                "{text}"
            );
        }
        assert_eq!(
            GatewayError::Internal("x".into()).reply().body,
            json!({"error": "internal", "message": "internal error"})
        );
    }

    #[test]
    fn token_rejections_say_bearer_invalid_token() {
        let reply = GatewayError::InvalidToken("expired".into()).reply();
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body["error"], "invalid_token");
        assert_eq!(
            reply.headers,
            vec![(
                "www-authenticate",
                "Bearer realm=\"redshop\", error=\"invalid_token\"".to_owned()
            )]
        );
        let missing = GatewayError::Unauthenticated.reply();
        assert_eq!(
            (missing.status, missing.body["error"].as_str()),
            (401, Some("unauthorized"))
        );
    }

    #[test]
    fn statuses_and_headers_per_refusal() {
        let cases = [
            (
                GatewayError::MethodNotAllowed {
                    allow: "GET".into(),
                },
                405,
                "allow",
            ),
            (
                GatewayError::RateLimited { retry_after: 7 },
                429,
                "retry-after",
            ),
            (GatewayError::Unavailable(String::new()), 503, "retry-after"),
        ];
        for (e, status, header) in cases {
            let reply = e.reply();
            assert_eq!(reply.status, status);
            assert!(reply.headers.iter().any(|(k, _)| *k == header), "{e:?}");
        }
        assert_eq!(GatewayError::PayloadTooLarge.status(), 413);
        assert_eq!(GatewayError::UnsupportedMediaType.status(), 415);
        assert_eq!(GatewayError::Forbidden.status(), 403);
        assert_eq!(GatewayError::CsrfCheckFailed.code(), "csrf_check_failed");
        assert_eq!(GatewayError::Timeout(String::new()).status(), 504);
    }
}
