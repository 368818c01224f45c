//! Reading a request: its head first; its body only once the route, the credentials and the
//! rate limit have let it through, and never more than [`MAX_BODY_BYTES`].

use redshop_edge::body::BodyError;
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

    /// Whether the head declares a body (a non-zero `content-length`). A body sent without
    /// one (chunked) is not declared here: the wasi-http layer drops `transfer-encoding`, so
    /// only reading the stream tells.
    pub fn declares_body(&self) -> bool {
        self.content_length().is_some_and(|n| n > 0)
    }

    /// Whether the method can carry a body the gateway forwards.
    pub fn may_have_body(&self) -> bool {
        !matches!(self.method, Method::Get | Method::Head | Method::Options)
    }

    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length")
            .and_then(|v| v.trim().parse().ok())
    }
}

/// Reads the body, refusing it as soon as it is known to exceed [`MAX_BODY_BYTES`], with or
/// without `content-length` ([`redshop_edge::body`]).
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, GatewayError> {
    redshop_edge::body::read(req, head.content_length(), MAX_BODY_BYTES, MAX_DRAIN_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => GatewayError::PayloadTooLarge,
            BodyError::Unreadable(why) => GatewayError::UnreadableBody(why),
        })
}
