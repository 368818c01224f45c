//! Building the response: an answer (the gateway's own or a service's), or an error, plus
//! the headers every response carries — the request id, the security headers, caching,
//! `Vary: Origin`, the CORS headers for an allowed origin, and the rate-limit fields.

use redshop_gateway::GatewayError;
use redshop_gateway::cache::NOT_CACHEABLE;
use redshop_gateway::cors;
use redshop_gateway::hygiene::SECURITY_HEADERS;
use redshop_gateway::identity::REQUEST_ID_HEADER;
use redshop_gateway::request_id::RequestId;
use spin_sdk::http::{Fields, OutgoingResponse, ResponseOutparam};

/// A response before the common headers are added.
#[derive(Debug)]
pub struct Out {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Out {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_owned(), value.into().into_bytes()));
        self
    }

    fn has(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }
}

/// What is known about the request when the response is written.
pub struct Finish<'a> {
    pub request_id: &'a RequestId,
    /// The request's `Origin`, when the allow-list names it.
    pub cors_origin: Option<&'a str>,
    /// Headers gathered on the way (rate-limit fields, preflight answers).
    pub extra: Vec<(&'static str, String)>,
}

/// The error as a response; a 5xx's cause goes to stderr with the request id.
pub fn error_out(e: &GatewayError, request_id: &RequestId) -> Out {
    if e.status() >= 500 {
        eprintln!(
            "gateway: request {}: {} ({})",
            request_id.as_str(),
            e.code(),
            e.cause()
        );
    }
    let reply = e.reply();
    let mut out = Out::json(reply.status, &reply.body);
    for (k, v) in reply.headers {
        out = out.with(k, v);
    }
    out
}

/// The final response.
pub async fn finish(mut out: Out, f: Finish<'_>, outparam: ResponseOutparam) {
    for (k, v) in f.extra {
        out = out.with(k, v);
    }
    out = out.with(REQUEST_ID_HEADER, f.request_id.as_str());
    for (k, v) in SECURITY_HEADERS {
        out = out.with(k, v);
    }
    if !out.has("cache-control") {
        out = out.with("cache-control", NOT_CACHEABLE);
    }
    out = out.with("vary", "Origin");
    if let Some(origin) = f.cors_origin
        && !out.has("access-control-allow-origin")
    {
        for (k, v) in cors::response_headers(origin) {
            out = out.with(k, v);
        }
    }
    send(out, outparam).await;
}

/// Writes the response; a client that went away is only logged.
async fn send(out: Out, outparam: ResponseOutparam) {
    let headers = match Fields::from_list(&out.headers) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("gateway: response headers refused ({e:?}); answering 500");
            Fields::new()
        }
    };
    let response = OutgoingResponse::new(headers);
    if response.set_status_code(out.status).is_err() {
        let _ = response.set_status_code(500);
    }
    if let Err(e) = outparam.set_with_body(response, out.body).await {
        eprintln!("gateway: writing the response body failed: {e:?}");
    }
}
