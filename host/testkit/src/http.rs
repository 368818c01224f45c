//! HTTP helpers for tests.

use std::io::{BufRead as _, BufReader};
use std::time::Duration;

/// Send a JSON body with POST.
pub fn post_json(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let (status, text) = send_body(
        ureq::post(url).set("content-type", "application/json"),
        &body.to_string(),
    );
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    (status, json)
}

/// Send `req` with `body`; return status and body whatever the status.
pub fn send_body(req: ureq::Request, body: &str) -> (u16, String) {
    match req.timeout(Duration::from_secs(60)).send_string(body) {
        Ok(resp) => (resp.status(), resp.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().unwrap_or_default()),
        Err(e) => panic!("request failed: {e}"),
    }
}

/// Send `req`; return status and body whatever the status.
pub fn send(req: ureq::Request) -> (u16, String) {
    match req.timeout(Duration::from_secs(60)).call() {
        Ok(resp) => (resp.status(), resp.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().unwrap_or_default()),
        Err(e) => panic!("request failed: {e}"),
    }
}

/// A one-route HTTP server on loopback that answers every request with `body`, for
/// outbound tests. Returns its port.
pub fn upstream(body: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind upstream");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::Write as _;
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

/// The value of the first header `name` in a probe echo.
pub fn header<'a>(echo: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    header_values(echo, name).into_iter().next()
}

/// Every value of header `name` in a probe echo.
pub fn header_values<'a>(echo: &'a serde_json::Value, name: &str) -> Vec<&'a str> {
    echo["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter(|h| h[0].as_str() == Some(name))
                .filter_map(|h| h[1].as_str())
                .collect()
        })
        .unwrap_or_default()
}
