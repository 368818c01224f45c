//! Request bodies, read as they stream and measured as they arrive.
//!
//! A client may send a body without `Content-Length` (chunked framing), and the wasi-http
//! layer removes `Transfer-Encoding` before a component sees the request (Spin does too),
//! so nothing in the head says whether a body follows. A component therefore never decides
//! from the head that there is no body: it reads the stream, capped, and looks at what came.
//! A declared length over the cap is refused before anything is kept; a stream that passes
//! the cap is refused as soon as it does. Either way up to twice the cap is drained, so
//! the client reads the `413` instead of a reset connection.

use futures::StreamExt as _;
use spin_sdk::http::IncomingRequest;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the cap (declared or counted), or cut by the host's own body limit.
    TooLarge,
    /// The stream failed for another reason; the text is for the log.
    Unreadable(String),
}

/// Reads the whole body of `req`, at most `limit` bytes, draining an oversized one up to
/// `drain` bytes; `declared` is its `Content-Length`, if it had one.
pub async fn read(
    req: IncomingRequest,
    declared: Option<u64>,
    limit: usize,
    drain: usize,
) -> Result<Vec<u8>, BodyError> {
    let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    if declared.is_some_and(|n| n > as_u64(drain)) {
        return Err(BodyError::TooLarge);
    }
    let declared_too_large = declared.is_some_and(|n| n > as_u64(limit));
    let mut stream = req.into_body_stream();
    let mut body = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            // The host stops a body at its own limit (`HttpRequestBodySize`): too large,
            // whatever the component's cap.
            Err(e) => {
                let text = e.to_debug_string();
                let said = text.to_ascii_lowercase();
                // wasmtime words it "HTTP request body size exceeds limit".
                return Err(if said.contains("body size") || said.contains("bodysize") {
                    BodyError::TooLarge
                } else {
                    BodyError::Unreadable(text)
                });
            }
        };
        seen = seen.saturating_add(chunk.len());
        if declared_too_large || seen > limit {
            body = Vec::new();
            if seen > drain {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    if declared_too_large || seen > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(body)
}
