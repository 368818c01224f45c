//! HTTP with any method, headers and body, answering `(status, JSON)` whatever the status.

use std::time::Duration;

use serde_json::Value;

/// An answer: the status, the body as JSON (`Null` when empty) and the raw body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub text: String,
    pub allow: Option<String>,
}

/// Sends `method url` with `headers` and an optional body.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Answer {
    let mut req = ureq::request(method, url).timeout(Duration::from_secs(60));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.set("content-type", "application/json").send_string(b),
        None => req.call(),
    };
    answer(result)
}

/// Sends a body with chunked transfer encoding (no `content-length`).
pub fn send_chunked(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut req = ureq::post(url).timeout(Duration::from_secs(60));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    answer(
        req.set("content-type", "application/json")
            .send(std::io::Cursor::new(body)),
    )
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> Answer {
    let resp = match result {
        Ok(resp) | Err(ureq::Error::Status(_, resp)) => resp,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status();
    let allow = resp.header("allow").map(str::to_owned);
    let text = resp.into_string().unwrap_or_default();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
    };
    Answer {
        status,
        json,
        text,
        allow,
    }
}
