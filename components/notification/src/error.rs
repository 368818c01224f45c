//! The component's one error type, and the one place where an error becomes a response.
//!
//! Client errors answer `{"error": "<code>", "message": "..."}` (docs/contracts.md, Errors);
//! every server-side failure answers `500 {"error": "internal", "message": "internal
//! error"}`, with the cause on stderr (which the host logs with the request id).

use redshop_notification::error::DomainError;
use serde_json::json;
use spin_sdk::http::Response;

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    Domain(DomainError),
    NoRoute {
        method: String,
        path: String,
    },
    MethodNotAllowed {
        allow: &'static str,
    },
    /// No (valid) `x-redshop-user` on a route for signed-in users.
    Unauthenticated,
    /// An admin route without the admin role.
    Forbidden,
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::Domain(e)
    }
}

impl ApiError {
    fn status(&self) -> u16 {
        match self {
            Self::Domain(e) => e.status(),
            Self::NoRoute { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Domain(e) => e.code(),
            Self::NoRoute { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Unauthenticated => "unauthorized",
            Self::Forbidden => "forbidden",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Domain(e) => e.to_string(),
            Self::NoRoute { method, path } => format!("no route for {method} {path}"),
            Self::MethodNotAllowed { allow } => format!("method not allowed; use {allow}"),
            Self::Unauthenticated => "sign in to see your notifications".into(),
            Self::Forbidden => "this operation needs the admin role".into(),
        }
    }

    /// The response for this error; a 5xx cause goes to stderr only.
    pub fn into_response(self) -> Response {
        let status = self.status();
        if status >= 500 {
            eprintln!("notification: internal error: {}", self.message());
            return json_response(
                500,
                &json!({ "error": "internal", "message": "internal error" }),
            );
        }
        let mut response = json_response(
            status,
            &json!({ "error": self.code(), "message": self.message() }),
        );
        if let Self::MethodNotAllowed { allow } = self {
            response.set_header("allow", allow);
        }
        response
    }
}

pub fn json_response(status: u16, body: &serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(e: ApiError) -> (u16, serde_json::Value) {
        let response = e.into_response();
        (
            *response.status(),
            serde_json::from_slice(response.body()).unwrap(),
        )
    }

    #[test]
    fn a_missing_notification_is_404_not_found() {
        assert_eq!(
            body(DomainError::NotFound("notification").into()),
            (
                404,
                json!({"error": "not_found", "message": "notification not found"})
            )
        );
    }

    #[test]
    fn server_errors_say_internal_error_and_nothing_else() {
        assert_eq!(
            body(DomainError::Storage("sqlstate 42P01: relation \"inbox\"".into()).into()),
            (
                500,
                json!({"error": "internal", "message": "internal error"})
            )
        );
    }

    #[test]
    fn identity_failures_are_401_and_403() {
        assert_eq!(body(ApiError::Unauthenticated).0, 401);
        assert_eq!(body(ApiError::Forbidden).1["error"], "forbidden");
    }
}
