//! Endpoints Spin answers itself, before routing: `/.well-known/spin/health` and
//! `/.well-known/spin/info`. Responses built by the host, not a component.

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
