//! Reading a request: its head first, its body only once the route is known to want one.
//!
//! The handler takes spin-sdk's raw `IncomingRequest` rather than the buffered `Request` so the
//! body can be read in chunks and abandoned at [`MAX_BODY_BYTES`]: a buffered request would
//! already hold the whole body (up to the host's 10 MiB) before any check ran. The admin check
//! runs before the body is read, so a caller without the role cannot make the component buffer
//! anything.

use futures::StreamExt as _;
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

/// Reads the body, refusing anything over [`MAX_BODY_BYTES`] as soon as it is known: from
/// `content-length` before keeping anything, or when the chunks read so far pass the limit.
/// Either way the rest is drained (up to [`MAX_DRAIN_BYTES`]) so the client gets the 413.
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, ApiError> {
    let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let declared_too_large = head
        .content_length
        .is_some_and(|n| n > as_u64(MAX_BODY_BYTES));
    if head
        .content_length
        .is_some_and(|n| n > as_u64(MAX_DRAIN_BYTES))
    {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut stream = req.into_body_stream();
    let mut body = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::UnreadableBody(e.to_debug_string()))?;
        seen += chunk.len();
        if declared_too_large || seen > MAX_BODY_BYTES {
            body = Vec::new();
            if seen > MAX_DRAIN_BYTES {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    if declared_too_large || seen > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(body)
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
