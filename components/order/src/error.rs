//! The component's one error type, and the one place where an error becomes a response.
//!
//! Client errors answer `{"error": "<code>", "message": "..."}` with the status the domain
//! crate assigns ([`OrderError::status`], plus `details` / `current_state` where documented).
//! Every server-side failure answers `500 {"error": "internal", "message": "internal error"}`
//! and nothing more; the cause goes to stderr, which the host logs with the request id.

use redshop_order::error::OrderError;
use serde_json::{Value, json};
use spin_sdk::http::Response;

use crate::config::MAX_BODY_BYTES;
use crate::reply::json_response;

#[derive(Debug)]
pub enum ApiError {
    /// A rule of the order domain (or a failure it classifies).
    Domain(OrderError),
    NoRoute {
        method: String,
        path: String,
    },
    MethodNotAllowed {
        allow: &'static str,
    },
    /// An admin route without the gateway's admin role.
    Forbidden,
    PayloadTooLarge,
    /// A JSON route called without `content-type: application/json`.
    UnsupportedMediaType,
    InvalidJson(String),
    UnreadableBody(String),
    /// Not the client's fault; the cause is logged, never sent.
    Internal(String),
    /// The database cannot be reached (health check); the cause is logged, never sent.
    Unavailable(String),
}

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> Self {
        Self::Domain(e)
    }
}

impl ApiError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Domain(e) => e.status(),
            Self::NoRoute { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Forbidden => 403,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::InvalidJson(_) | Self::UnreadableBody(_) => 400,
            Self::Internal(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    /// The JSON body a client sees.
    pub fn body(&self) -> Value {
        let (code, message) = match self {
            Self::Domain(e) => return e.body(),
            Self::NoRoute { method, path } => {
                ("not_found", format!("no route for {method} {path}"))
            }
            Self::MethodNotAllowed { allow } => (
                "method_not_allowed",
                format!("method not allowed; use {allow}"),
            ),
            Self::Forbidden => ("forbidden", "this operation needs the admin role".into()),
            Self::PayloadTooLarge => (
                "payload_too_large",
                format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            ),
            Self::UnsupportedMediaType => (
                "unsupported_media_type",
                "send the body as content-type: application/json".into(),
            ),
            Self::InvalidJson(reason) => (
                "invalid_json",
                format!("request body is not valid JSON for this route: {reason}"),
            ),
            Self::UnreadableBody(reason) => (
                "invalid_body",
                format!("request body could not be read: {reason}"),
            ),
            Self::Internal(_) => ("internal", "internal error".into()),
            Self::Unavailable(_) => ("unavailable", "the order database is not answering".into()),
        };
        json!({ "error": code, "message": message })
    }

    /// What went wrong, for the log (5xx only).
    fn cause(&self) -> Option<String> {
        match self {
            Self::Internal(c) | Self::Unavailable(c) => Some(c.clone()),
            Self::Domain(e) if e.status() >= 500 => Some(e.to_string()),
            _ => None,
        }
    }

    pub fn into_response(self) -> Response {
        if let Some(cause) = self.cause() {
            eprintln!("order: {} error: {cause}", self.status());
        }
        let mut response = json_response(self.status(), &self.body());
        if let Self::MethodNotAllowed { allow } = self {
            response.set_header("allow", allow);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(e: ApiError) -> (u16, Value) {
        let r = e.into_response();
        (*r.status(), serde_json::from_slice(r.body()).unwrap())
    }

    #[test]
    fn server_errors_say_internal_error_and_nothing_else() {
        for e in [
            ApiError::internal("open postgres: connection refused"),
            OrderError::Storage("42P01: relation \"orders\" does not exist".into()).into(),
            OrderError::Upstream("product lookup: 503".into()).into(),
        ] {
            assert_eq!(
                answer(e),
                (
                    500,
                    json!({ "error": "internal", "message": "internal error" })
                )
            );
        }
    }

    #[test]
    fn domain_errors_keep_their_code_status_and_extra_fields() {
        let (status, body) = answer(
            OrderError::InvalidTransition {
                current: "shipped".into(),
                requested: "cancelled".into(),
            }
            .into(),
        );
        assert_eq!(status, 409);
        assert_eq!(body["current_state"], "shipped");
    }

    #[test]
    fn edge_errors_have_their_own_codes() {
        assert_eq!(
            answer(ApiError::Forbidden),
            (403, answer(ApiError::Forbidden).1)
        );
        assert_eq!(answer(ApiError::UnsupportedMediaType).0, 415);
        assert_eq!(
            answer(ApiError::PayloadTooLarge).1["error"],
            "payload_too_large"
        );
        let r = ApiError::MethodNotAllowed { allow: "GET" }.into_response();
        assert_eq!(r.header("allow").and_then(|v| v.as_str()), Some("GET"));
    }
}
