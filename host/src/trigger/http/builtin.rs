//! Endpoints Spin answers itself, before routing: `/.well-known/spin/health` and
//! `/.well-known/spin/info`. Responses built by the host, not a component: those, and the
//! host's own refusals (413, 503, 504), which carry a small JSON error where Spin sends an
//! empty body, because the clients of a JSON API branch on the `error` code.

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::app::App;

/// Spin's reserved prefix: no component route may serve under it.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

/// The response to a built-in path, or `None` if `path` is not one.
pub fn respond(app: &App, path: &str) -> Option<http::Response<HyperOutgoingBody>> {
    match path.strip_prefix(WELL_KNOWN_PREFIX)? {
        "health" => Some(plain(http::StatusCode::OK, Bytes::from_static(b"OK"))),
        "info" => {
            // Spin's shape: the app's name, and its version when the manifest sets one.
            let mut info = serde_json::json!({ "name": app.name });
            if let Some(version) = &app.version {
                info["version"] = serde_json::Value::from(version.as_str());
            }
            let text = serde_json::to_string_pretty(&info).unwrap_or_default();
            Some(body(http::StatusCode::OK, "application/json", text))
        }
        _ => Some(empty(http::StatusCode::NOT_FOUND)),
    }
}

/// A response with a body and no content type, as Spin's health check answers.
fn plain(status: http::StatusCode, bytes: Bytes) -> http::Response<HyperOutgoingBody> {
    let mut response = http::Response::new(
        Full::new(bytes)
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response
}

fn body(
    status: http::StatusCode,
    content_type: &'static str,
    text: String,
) -> http::Response<HyperOutgoingBody> {
    let mut response = plain(status, Bytes::from(text));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

/// A response with no body, as Spin sends for 404 and 500.
pub fn empty(status: http::StatusCode) -> http::Response<HyperOutgoingBody> {
    let mut response = http::Response::new(
        http_body_util::Empty::<Bytes>::new()
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response
}

/// Why the host itself answered instead of a component: each is a small JSON error,
/// `{"error": "<code>", "message": "..."}`, the shape the app's own errors have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRefusal {
    /// 413: the declared body is over `[limits] max_request_body_bytes`.
    PayloadTooLarge { limit: u64 },
    /// 503: no capacity (`max_concurrent_requests` or the instance pool) in time.
    Unavailable,
    /// 504: the request's deadline passed.
    DeadlineExceeded,
}

/// `Retry-After` on a 503 at capacity: a burst drains in seconds, so one second spreads the
/// retries without keeping shoppers waiting long.
const RETRY_AFTER_SECONDS: &str = "1";

impl HostRefusal {
    /// The status, the stable code and the message.
    fn parts(self) -> (http::StatusCode, &'static str, String) {
        match self {
            Self::PayloadTooLarge { limit } => (
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body is larger than the limit of {limit} bytes"),
            ),
            Self::Unavailable => (
                http::StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "the server is at capacity; try again shortly".to_owned(),
            ),
            Self::DeadlineExceeded => (
                http::StatusCode::GATEWAY_TIMEOUT,
                "deadline_exceeded",
                "the request did not finish within its deadline".to_owned(),
            ),
        }
    }

    /// The response: the status and its JSON error; a 503 says when to try again.
    pub fn response(self) -> http::Response<HyperOutgoingBody> {
        let (status, code, message) = self.parts();
        let text = serde_json::json!({ "error": code, "message": message }).to_string();
        let mut response = body(status, "application/json", text);
        if matches!(self, Self::Unavailable) {
            response.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(response: http::Response<HyperOutgoingBody>) -> String {
        let bytes = response
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn refusals_are_json_errors_with_stable_codes() {
        for (refusal, status, body) in [
            (
                HostRefusal::PayloadTooLarge { limit: 1024 },
                413,
                r#"{"error":"payload_too_large","message":"the request body is larger than the limit of 1024 bytes"}"#,
            ),
            (
                HostRefusal::Unavailable,
                503,
                r#"{"error":"service_unavailable","message":"the server is at capacity; try again shortly"}"#,
            ),
            (
                HostRefusal::DeadlineExceeded,
                504,
                r#"{"error":"deadline_exceeded","message":"the request did not finish within its deadline"}"#,
            ),
        ] {
            let response = refusal.response();
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(
                response.headers()[http::header::CONTENT_TYPE],
                "application/json"
            );
            assert_eq!(text(response).await, body);
        }
    }
}
