//! An outbound request with `wasi:http` request options (connect, first-byte and
//! between-bytes timeouts), made through the raw interface because the SDK's `send` sets
//! none. Answers with the status and body, or the error code the host reported.

use spin_sdk::http::Response;
use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, OutgoingBody, OutgoingRequest, RequestOptions, Scheme};
use wasi::io::streams::StreamError;

use crate::json;

/// The timeouts to set, in milliseconds; `None` leaves one unset.
pub struct Timeouts {
    pub connect_ms: Option<u64>,
    pub first_byte_ms: Option<u64>,
    pub between_bytes_ms: Option<u64>,
}

/// GET `url` (`http://authority/path`) with `timeouts`.
pub fn fetch(url: &str, timeouts: Timeouts) -> Response {
    match try_fetch(url, &timeouts) {
        Ok((status, body)) => json(200, serde_json::json!({ "status": status, "body": body })),
        Err(e) => json(200, serde_json::json!({ "error": e })),
    }
}

/// GET `url` with no timeouts set: the status and body, or the error code's name.
pub fn get(url: &str) -> Result<(u16, String), String> {
    try_fetch(
        url,
        &Timeouts {
            connect_ms: None,
            first_byte_ms: None,
            between_bytes_ms: None,
        },
    )
}

fn try_fetch(url: &str, timeouts: &Timeouts) -> Result<(u16, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http:// url: {url}"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let request = OutgoingRequest::new(Fields::new());
    request
        .set_scheme(Some(&Scheme::Http))
        .map_err(|()| "scheme")?;
    request
        .set_authority(Some(authority))
        .map_err(|()| "authority")?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| "path")?;
    let options = RequestOptions::new();
    let nanos = |ms: Option<u64>| ms.map(|ms| ms * 1_000_000);
    options
        .set_connect_timeout(nanos(timeouts.connect_ms))
        .map_err(|()| "connect timeout not supported")?;
    options
        .set_first_byte_timeout(nanos(timeouts.first_byte_ms))
        .map_err(|()| "first-byte timeout not supported")?;
    options
        .set_between_bytes_timeout(nanos(timeouts.between_bytes_ms))
        .map_err(|()| "between-bytes timeout not supported")?;
    let body = request.body().map_err(|()| "body taken")?;
    OutgoingBody::finish(body, None).map_err(|e| code(&e))?;

    let pending = outgoing_handler::handle(request, Some(options)).map_err(|e| code(&e))?;
    pending.subscribe().block();
    let response = pending
        .get()
        .ok_or("response not ready")?
        .map_err(|()| "response taken")?
        .map_err(|e| code(&e))?;
    let status = response.status();
    let body = response.consume().map_err(|()| "body consumed")?;
    let stream = body.stream().map_err(|()| "stream taken")?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(match wasi::http::types::http_error_code(&e) {
                    Some(c) => code(&c),
                    None => e.to_debug_string(),
                });
            }
        }
    }
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

/// The error code's variant name, e.g. `ConnectionReadTimeout`.
fn code(e: &ErrorCode) -> String {
    let text = format!("{e:?}");
    text.split(['(', ' ', '{'])
        .next()
        .unwrap_or(&text)
        .to_owned()
}
