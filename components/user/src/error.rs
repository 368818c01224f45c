//! The component's one error type, and the one place where an error becomes a response.
//!
//! Client errors answer `{"error": "<code>", "message": "...", "field"?: "..."}` with the
//! status the domain assigns; a 429 adds `Retry-After`; a refused refresh clears the refresh
//! cookie. Server-side failures answer `500 {"error":"internal","message":"internal error"}`
//! and the cause goes to stderr, which the host logs with the request id.

use redshop_user::cookie;
use redshop_user::error::UserError;
use serde_json::{Value, json};
use spin_sdk::http::Response;

use crate::config::MAX_BODY_BYTES;
use crate::reply::json_response;

#[derive(Debug)]
pub enum ApiError {
    /// A rule of the user domain (or a storage failure it reports).
    Domain(UserError),
    NoRoute {
        method: String,
        path: String,
    },
    MethodNotAllowed {
        allow: &'static str,
    },
    PayloadTooLarge,
    /// A body route called without `content-type: application/json`.
    UnsupportedMediaType,
    /// The body is not the JSON the route expects (serde's reason names the field).
    InvalidJson(String),
    UnreadableBody(String),
    /// Not the client's fault; logged, never sent.
    Internal(String),
    /// The database or Redis is not answering (health check).
    Unavailable(String),
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> Self {
        Self::Domain(e)
    }
}

impl ApiError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    fn status(&self) -> u16 {
        match self {
            Self::Domain(e) => e.status(),
            Self::NoRoute { .. } => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
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
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
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
            Self::PayloadTooLarge => format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            Self::UnsupportedMediaType => "send the body as content-type: application/json".into(),
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
            eprintln!("user: unavailable: {cause}");
            return json_response(
                503,
                &json!({ "error": "unavailable", "message": "the user service's storage is not answering" }),
            );
        }
        if status >= 500 {
            eprintln!("user: internal error: {}", self.message());
            return json_response(
                500,
                &json!({ "error": "internal", "message": "internal error" }),
            );
        }
        let mut body: Value = json!({ "error": self.code(), "message": self.message() });
        if let Self::Domain(e) = &self
            && let Some(field) = e.field()
        {
            body["field"] = json!(field);
        }
        let mut response = json_response(status, &body);
        match &self {
            Self::MethodNotAllowed { allow } => response.set_header("allow", *allow),
            Self::Domain(UserError::Throttled { retry_after_secs }) => {
                response.set_header("retry-after", retry_after_secs.to_string());
            }
            Self::Domain(UserError::InvalidRefreshToken | UserError::RefreshTokenReused) => {
                response.set_header("set-cookie", cookie::clear_refresh());
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(e: ApiError) -> (u16, Value, Response) {
        let r = e.into_response();
        let json = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
        (*r.status(), json, r)
    }

    #[test]
    fn a_throttled_sign_in_says_when_to_retry() {
        let (status, json, r) = parts(
            UserError::Throttled {
                retry_after_secs: 42,
            }
            .into(),
        );
        assert_eq!(
            (status, json["error"].as_str()),
            (429, Some("too_many_attempts"))
        );
        assert_eq!(r.header("retry-after").and_then(|v| v.as_str()), Some("42"));
    }

    #[test]
    fn server_errors_say_internal_error_and_nothing_else() {
        let (status, json, _) =
            parts(UserError::Storage("relation users does not exist".into()).into());
        assert_eq!(
            (status, json),
            (
                500,
                json!({ "error": "internal", "message": "internal error" })
            )
        );
    }

    #[test]
    fn invalid_input_names_the_field() {
        let (status, json, _) = parts(UserError::InvalidEmail("it has no @".into()).into());
        assert_eq!(
            (status, json["error"].as_str(), json["field"].as_str()),
            (400, Some("invalid_email"), Some("email"))
        );
    }

    #[test]
    fn a_refused_refresh_clears_the_cookie() {
        let (status, _, r) = parts(UserError::RefreshTokenReused.into());
        assert_eq!(status, 401);
        let cookie = r
            .header("set-cookie")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        assert!(cookie.starts_with("redshop_refresh=;"), "{cookie}");
    }
}
