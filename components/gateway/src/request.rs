//! Reading a request: its head first; its body only once the route, the credentials and the
//! rate limit have let it through, and never more than [`MAX_BODY_BYTES`].

use futures::StreamExt as _;
use redshop_gateway::{GatewayError, MAX_BODY_BYTES, Method};
use spin_sdk::http::IncomingRequest;

/// How much of an oversized body is drained before answering 413, so the client reads the
/// answer instead of a reset: the host's own cap (1 MiB, `redshop.toml`) is all it can be.
const MAX_DRAIN_BYTES: usize = 2 * MAX_BODY_BYTES;

/// The request line and headers.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    pub path: String,
    pub query: String,
    /// Every header, names lower-cased, in order.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Head {
    pub fn of(req: &IncomingRequest) -> Self {
        let headers: Vec<(String, Vec<u8>)> = req
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let target = req.path_with_query().unwrap_or_default();
        let (raw_path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let method = Method::parse(&req.method().to_string());
        // The request target is the public path (`/api/v1/...`), whatever the route prefix.
        Self {
            method,
            path: raw_path.to_owned(),
            query: query.to_owned(),
            headers,
        }
    }

    /// The first value of header `name` (lower-case), when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    /// Whether a body follows: a non-zero `content-length` or chunked framing.
    pub fn has_body(&self) -> bool {
        self.content_length().is_some_and(|n| n > 0)
            || self
                .header("transfer-encoding")
                .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    }

    fn content_length(&self) -> Option<u64> {
        self.header("content-length")
            .and_then(|v| v.trim().parse().ok())
    }
}

/// Reads the body, refusing it as soon as it is known to exceed [`MAX_BODY_BYTES`] (from
/// `content-length`, or counting chunks); what is refused is drained up to
/// [`MAX_DRAIN_BYTES`] and dropped.
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, GatewayError> {
    let limit = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX);
    let declared = head.content_length();
    if declared.is_some_and(|n| n > 2 * limit) {
        return Err(GatewayError::PayloadTooLarge);
    }
    let too_large = declared.is_some_and(|n| n > limit);
    let mut stream = req.into_body_stream();
    let mut body = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| GatewayError::UnreadableBody(e.to_debug_string()))?;
        seen += chunk.len();
        if too_large || seen > MAX_BODY_BYTES {
            body.clear();
            if seen > MAX_DRAIN_BYTES {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    if too_large || seen > MAX_BODY_BYTES {
        return Err(GatewayError::PayloadTooLarge);
    }
    Ok(body)
}
