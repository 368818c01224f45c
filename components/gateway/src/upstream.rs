//! Chained calls to the services, each bounded by a deadline.
//!
//! spin-sdk's `send` passes no request options, so this module speaks `wasi:http` directly:
//! it sets the connect and first-byte timeouts on the request (the host enforces them on its
//! side) and also waits on a monotonic-clock pollable itself, so a service that never
//! answers is a [`Failure::Timeout`] after the deadline even on a host that ignores the
//! options. Several calls can be in flight at once ([`start`] then [`Pending::finish`]),
//! which the admin health page uses.

use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
use spin_sdk::wit::wasi::http0_2_0::types::{
    ErrorCode, Fields, FutureIncomingResponse, IncomingResponse, Method, OutgoingBody,
    OutgoingRequest, RequestOptions, Scheme,
};
use wasi::clocks::monotonic_clock;
use wasi::io::streams::StreamError;

/// Writes of the request body go out in pieces this size (`blocking-write-and-flush` takes
/// at most 4096 bytes per call).
const WRITE_CHUNK: usize = 4096;
/// Reads of the response body ask for this much at a time.
const READ_CHUNK: u64 = 64 * 1024;

/// A chained request, as plain data.
#[derive(Debug)]
pub struct Call<'a> {
    pub service: &'static str,
    pub method: &'a str,
    /// Path and query as the service receives them (`/products?q=lamp`).
    pub path_and_query: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: &'a [u8],
}

/// A service's answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

/// Why no answer came.
#[derive(Debug)]
pub enum Failure {
    /// The deadline passed first.
    Timeout,
    /// The service is not there, refused, or failed (`DestinationNotFound`, a trap…).
    Unreachable(String),
}

/// A call in flight.
pub struct Pending {
    service: &'static str,
    future: Result<FutureIncomingResponse, Failure>,
    deadline: u64,
}

/// Sends `call` and waits for its answer, at most `timeout_ms`.
pub fn send(call: Call<'_>, timeout_ms: u64) -> Result<Answer, Failure> {
    start(call, timeout_ms).finish()
}

/// Sends `call` without waiting for the answer.
pub fn start(call: Call<'_>, timeout_ms: u64) -> Pending {
    let deadline = monotonic_clock::now().saturating_add(timeout_ms.saturating_mul(1_000_000));
    let service = call.service;
    Pending {
        service,
        future: begin(call, timeout_ms),
        deadline,
    }
}

impl Pending {
    /// Waits for the answer and reads its body, until the deadline set by [`start`].
    pub fn finish(self) -> Result<Answer, Failure> {
        let future = self.future?;
        let response = wait_response(&future, self.deadline)?;
        read_answer(self.service, response, self.deadline)
    }
}

fn begin(call: Call<'_>, timeout_ms: u64) -> Result<FutureIncomingResponse, Failure> {
    let unreachable = |what: &str| Failure::Unreachable(format!("{}: {what}", call.service));
    let headers = Fields::from_list(&call.headers)
        .map_err(|e| unreachable(&format!("request headers: {e:?}")))?;
    let request = OutgoingRequest::new(headers);
    let method = match call.method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => Method::Other(other.to_owned()),
    };
    let authority = format!("{}.spin.internal", call.service);
    // Each setter fails only on a value the type cannot hold; these are all valid.
    let _ = request.set_method(&method);
    let _ = request.set_scheme(Some(&Scheme::Http));
    let _ = request.set_authority(Some(&authority));
    let _ = request.set_path_with_query(Some(&call.path_and_query));
    let options = RequestOptions::new();
    let nanos = timeout_ms.saturating_mul(1_000_000);
    let _ = options.set_connect_timeout(Some(nanos));
    let _ = options.set_first_byte_timeout(Some(nanos));
    let _ = options.set_between_bytes_timeout(Some(nanos));
    let body = request
        .body()
        .map_err(|()| unreachable("request body taken twice"))?;
    let future =
        outgoing_handler::handle(request, Some(options)).map_err(|e| unreachable(&describe(&e)))?;
    write_body(body, call.body).map_err(|e| unreachable(&format!("request body: {e}")))?;
    Ok(future)
}

fn write_body(body: OutgoingBody, bytes: &[u8]) -> Result<(), String> {
    {
        let stream = body.write().map_err(|()| "no body stream".to_owned())?;
        for chunk in bytes.chunks(WRITE_CHUNK) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| stream_error(&e))?;
        }
    }
    OutgoingBody::finish(body, None).map_err(|e| describe(&e))
}

fn wait_response(
    future: &FutureIncomingResponse,
    deadline: u64,
) -> Result<IncomingResponse, Failure> {
    loop {
        if let Some(result) = future.get() {
            return match result {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(ErrorCode::ConnectionReadTimeout | ErrorCode::ConnectionTimeout)) => {
                    Err(Failure::Timeout)
                }
                Ok(Err(e)) => Err(Failure::Unreachable(describe(&e))),
                Err(()) => Err(Failure::Unreachable("response taken twice".into())),
            };
        }
        if monotonic_clock::now() >= deadline {
            return Err(Failure::Timeout);
        }
        let timer = monotonic_clock::subscribe_instant(deadline);
        let ready = future.subscribe();
        wasi::io::poll::poll(&[&ready, &timer]);
    }
}

fn read_answer(
    service: &str,
    response: IncomingResponse,
    deadline: u64,
) -> Result<Answer, Failure> {
    let status = response.status();
    let headers = response.headers().entries();
    let unreadable =
        |what: String| Failure::Unreachable(format!("{service}: response body: {what}"));
    let incoming = response
        .consume()
        .map_err(|()| unreadable("taken twice".into()))?;
    let mut body = Vec::new();
    {
        let stream = incoming
            .stream()
            .map_err(|()| unreadable("no stream".into()))?;
        loop {
            match stream.read(READ_CHUNK) {
                Ok(chunk) if chunk.is_empty() => {
                    if monotonic_clock::now() >= deadline {
                        return Err(Failure::Timeout);
                    }
                    let timer = monotonic_clock::subscribe_instant(deadline);
                    wasi::io::poll::poll(&[&stream.subscribe(), &timer]);
                }
                Ok(chunk) => body.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(e) => return Err(unreadable(stream_error(&e))),
            }
        }
    }
    drop(incoming);
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn describe(e: &ErrorCode) -> String {
    format!("{e:?}")
}

fn stream_error(e: &StreamError) -> String {
    match e {
        StreamError::Closed => "closed".into(),
        StreamError::LastOperationFailed(err) => err.to_debug_string(),
    }
}
