//! Reading a request: its head first, its body only once the route is known to want one.
//!
//! The handler takes spin-sdk's raw `IncomingRequest` rather than the buffered `Request` so the
//! body can be read in chunks and abandoned at [`MAX_BODY_BYTES`]: a buffered request would
//! already hold the whole body (up to the host's 10 MiB) before any check ran. The admin check
//! runs before the body is read, so a caller without the role cannot make the component buffer
//! anything.

use redshop_edge::body::BodyError;
use serde::de::DeserializeOwned;
use spin_sdk::http::{IncomingRequest, Method};

use crate::config::{ADMIN_ROLE, MAX_BODY_BYTES, MAX_DRAIN_BYTES, PATH_INFO_HEADER, ROLE_HEADER};
use crate::error::ApiError;

/// What routing and authorization need, read before the body.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    /// The path relative to the component's route (`/products/…`).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Whether the gateway marked the request as made by an admin.
    pub admin: bool,
    content_length: Option<u64>,
}

impl Head {
    pub fn of(req: &IncomingRequest) -> Self {
        let headers = req.headers();
        let first = |name: &str| {
            headers
                .get(name)
                .into_iter()
                .next()
                .and_then(|v| String::from_utf8(v).ok())
        };
        let target = req.path_with_query().unwrap_or_default();
        let (raw_path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        // Spin always sets path-info; the raw path is only a fallback for other hosts.
        let path = first(PATH_INFO_HEADER).unwrap_or_else(|| raw_path.to_owned());
        let admin = headers
            .get(ROLE_HEADER)
            .iter()
            .any(|v| v.as_slice() == ADMIN_ROLE.as_bytes());
        let content_length = first("content-length").and_then(|v| v.trim().parse().ok());
        Self {
            method: req.method(),
            path,
            query: query.to_owned(),
            admin,
            content_length,
        }
    }
}

/// Reads the body, refusing anything over [`MAX_BODY_BYTES`] as soon as it is known, with
/// or without `content-length` ([`redshop_edge::body`]).
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, ApiError> {
    redshop_edge::body::read(req, head.content_length, MAX_BODY_BYTES, MAX_DRAIN_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => ApiError::PayloadTooLarge,
            BodyError::Unreadable(why) => ApiError::UnreadableBody(why),
        })
}

/// Parses a JSON body into a request DTO; serde's message names the offending field.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidJson("the body is empty".into()));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

/// `name=value` pairs of a query string, not decoded (for the few flags the component reads
/// itself; everything else goes to the domain's parser, which decodes).
pub fn query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}
