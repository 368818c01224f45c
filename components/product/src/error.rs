//! The component's one error type, and the one place where an error becomes a response.
//!
//! Client errors answer `{"error": "<code>", "message": "..."}` with the status the domain
//! crate assigns ([`DomainError::status`]); an `insufficient_stock` answer adds `details`
//! with every short line, so the order service can tell the shopper which items ran out.
//! Every server-side failure — a database that is down, a schema that drifted, a variable
//! that is missing — answers `500 {"error": "internal", "message": "internal error"}` and
//! nothing more; the cause goes to stderr, which the host logs with the request id.

use redshop_product::error::DomainError;
use serde_json::{Value, json};
use spin_sdk::http::Response;

use crate::config::MAX_BODY_BYTES;
use crate::reply::json_response;

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// A rule of the product domain, or a database error it interprets (`from_sqlstate`).
    Domain(DomainError),
    /// No route has this path.
    NoRoute { method: String, path: String },
    /// The path exists, the method does not; `allow` lists the ones that do.
    MethodNotAllowed { allow: &'static str },
    /// An admin route called without the gateway's admin marker.
    Forbidden,
    /// The body is larger than [`MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// The body is not the JSON the route expects (serde's reason, which names the field).
    InvalidJson(String),
    /// The client stopped sending the body half-way.
    UnreadableBody(String),
    /// Anything that is not the client's fault; the cause is logged, never sent.
    Internal(String),
    /// The database cannot be reached (health check); the cause is logged, never sent.
    Unavailable(String),
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::Domain(e)
    }
}

impl ApiError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    /// What went wrong, for the log.
    pub fn cause(&self) -> String {
        self.message()
    }

    fn status(&self) -> u16 {
        match self {
            Self::Domain(e) => e.status(),
            Self::NoRoute { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Forbidden => 403,
            Self::PayloadTooLarge => 413,
            Self::InvalidJson(_) | Self::UnreadableBody(_) => 400,
            Self::Internal(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Domain(e) => e.code(),
            Self::NoRoute { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Forbidden => "forbidden",
            Self::PayloadTooLarge => "payload_too_large",
            Self::InvalidJson(_) => "invalid_json",
            Self::UnreadableBody(_) => "invalid_body",
            Self::Internal(_) => "internal",
            Self::Unavailable(_) => "unavailable",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Domain(e) => e.to_string(),
            Self::NoRoute { method, path } => format!("no route for {method} {path}"),
            Self::MethodNotAllowed { allow } => format!("method not allowed; use {allow}"),
            Self::Forbidden => "this operation needs the admin role".into(),
            Self::PayloadTooLarge => format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            Self::InvalidJson(reason) => {
                format!("request body is not valid JSON for this route: {reason}")
            }
            Self::UnreadableBody(reason) => format!("request body could not be read: {reason}"),
            Self::Internal(cause) | Self::Unavailable(cause) => cause.clone(),
        }
    }

    /// The response for this error; 5xx causes go to stderr only.
    pub fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Unavailable(cause) = &self {
            eprintln!("product: unavailable: {cause}");
            return json_response(
                503,
                &json!({ "error": "unavailable", "message": "the product database is not answering" }),
            );
        }
        if status >= 500 {
            eprintln!(
                "product: internal error ({}): {}",
                self.code(),
                self.message()
            );
            return json_response(
                500,
                &json!({ "error": "internal", "message": "internal error" }),
            );
        }
        let mut body: Value = json!({ "error": self.code(), "message": self.message() });
        if let Self::Domain(DomainError::InsufficientStock(lines)) = &self {
            body["details"] = json!(lines);
        }
        let mut response = json_response(status, &body);
        if let Self::MethodNotAllowed { allow } = self {
            response.set_header("allow", allow);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use redshop_product::error::Shortfall;

    use super::*;

    fn body(e: ApiError) -> (u16, Value) {
        let response = e.into_response();
        (
            *response.status(),
            serde_json::from_slice(response.body()).unwrap(),
        )
    }

    #[test]
    fn client_errors_carry_the_domain_code_and_message() {
        let (status, json) = body(ApiError::from(DomainError::InvalidSlug(
            "`X` contains `X`".into(),
        )));
        assert_eq!(status, 400);
        assert_eq!(json["error"], "invalid_slug");
        assert!(json["message"].as_str().unwrap().contains("`X`"));
    }

    #[test]
    fn insufficient_stock_lists_every_short_line() {
        let short = Shortfall {
            product_id: "p1".into(),
            requested: 3,
            available: 1,
        };
        let (status, json) = body(DomainError::InsufficientStock(vec![short]).into());
        assert_eq!(status, 409);
        assert_eq!(json["details"][0]["available"], 1);
    }

    #[test]
    fn server_errors_say_internal_error_and_nothing_else() {
        for e in [
            ApiError::internal("open postgres: password authentication failed for user shop"),
            DomainError::Storage("sqlstate 42P01: relation \"products\" does not exist".into())
                .into(),
        ] {
            assert_eq!(
                body(e),
                (
                    500,
                    json!({ "error": "internal", "message": "internal error" })
                )
            );
        }
    }

    #[test]
    fn unavailable_is_a_503_that_keeps_the_cause_to_itself() {
        let (status, json) = body(ApiError::Unavailable(
            "open postgres: connection refused (127.0.0.1:5432)".into(),
        ));
        assert_eq!(
            (status, json),
            (
                503,
                json!({ "error": "unavailable", "message": "the product database is not answering" })
            )
        );
    }

    #[test]
    fn method_not_allowed_says_which_methods_are() {
        let response = ApiError::MethodNotAllowed { allow: "GET, POST" }.into_response();
        assert_eq!(*response.status(), 405);
        assert_eq!(
            response.header("allow").and_then(|v| v.as_str()),
            Some("GET, POST")
        );
    }

    #[test]
    fn forbidden_and_oversized_bodies_have_their_own_codes() {
        assert_eq!(body(ApiError::Forbidden).1["error"], "forbidden");
        let (status, json) = body(ApiError::PayloadTooLarge);
        assert_eq!(
            (status, json["error"].as_str()),
            (413, Some("payload_too_large"))
        );
    }
}
