//! A guest's `wasi:http` request options bound its outbound and chained calls: a caller
//! that sets a first-byte or between-bytes timeout gets `ConnectionReadTimeout` from a slow
//! server or a slow component, long before its own request deadline. (A body that stalls
//! fails the guest's stream read, which wasmtime reports as an I/O error whose text is
//! "connection read timeout".)

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::time::Duration;

use common::TestApp;

fn manifest(upstream: u16) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "options"
[[trigger.http]]
route = "/caller/..."
component = "caller"
[[trigger.http]]
route = {{ private = true }}
component = "slow"
[component.caller]
source = "{{{{probe}}}}"
allowed_outbound_hosts = ["http://127.0.0.1:{upstream}", "http://slow.spin.internal"]
[component.slow]
source = "{{{{probe}}}}"
"#
    )
}

/// The caller's deadline is far beyond every timeout the tests set, so only the request
/// options can end a call early.
const HOST_CONFIG: &str = "[limits]\nrequest_timeout_ms = 30000\n";

fn start(upstream: u16) -> TestApp {
    let mut spec = common::spec(&manifest(upstream));
    spec.host_config = Some(HOST_CONFIG);
    TestApp::start(spec)
}

/// A server that waits `head_after` before the response head, then sends one body chunk,
/// waits `gap`, and sends the rest.
fn slow_upstream(head_after: Duration, gap: Duration) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                std::thread::sleep(head_after);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nfirst"
                );
                let _ = stream.flush();
                std::thread::sleep(gap);
                let _ = write!(stream, "-last");
            });
        }
    });
    port
}

fn fetch(app: &TestApp, url: &str, options: &str) -> serde_json::Value {
    let (status, out) = app.get_json(&format!(
        "/caller/x?op=fetch-with-options&url={}&{options}",
        url.replace(':', "%3A")
            .replace('/', "%2F")
            .replace('?', "%3F")
            .replace('=', "%3D")
            .replace('&', "%26")
    ));
    assert_eq!(status, 200, "{out}");
    out
}

#[test]
fn outbound_first_byte_timeout_ends_a_slow_call() {
    let port = slow_upstream(Duration::from_secs(20), Duration::ZERO);
    let app = start(port);
    let out = fetch(
        &app,
        &format!("http://127.0.0.1:{port}/"),
        "first_byte_ms=300",
    );
    assert_eq!(out["error"], "ErrorCode::ConnectionReadTimeout", "{out}");
}

#[test]
fn outbound_between_bytes_timeout_ends_a_stalled_body() {
    let port = slow_upstream(Duration::ZERO, Duration::from_secs(20));
    let app = start(port);
    let out = fetch(
        &app,
        &format!("http://127.0.0.1:{port}/"),
        "between_bytes_ms=300",
    );
    assert_eq!(out["error"], "connection read timeout", "{out}");
}

#[test]
fn outbound_call_within_its_timeouts_succeeds() {
    let port = slow_upstream(Duration::from_millis(50), Duration::from_millis(50));
    let app = start(port);
    let out = fetch(
        &app,
        &format!("http://127.0.0.1:{port}/"),
        "connect_ms=10000&first_byte_ms=10000&between_bytes_ms=10000",
    );
    assert_eq!(out["status"], 200, "{out}");
    assert_eq!(out["body"], "first-last", "{out}");
}

#[test]
fn chained_first_byte_timeout_ends_a_slow_component() {
    let app = start(1);
    let out = fetch(
        &app,
        "http://slow.spin.internal/?op=sleep&ms=20000",
        "first_byte_ms=300",
    );
    assert_eq!(out["error"], "ErrorCode::ConnectionReadTimeout", "{out}");
    // The caller's request was not spoiled: the same call without the delay answers.
    let out = fetch(
        &app,
        "http://slow.spin.internal/?op=echo",
        "first_byte_ms=10000",
    );
    assert_eq!(out["status"], 200, "{out}");
}

#[test]
fn chained_between_bytes_timeout_ends_a_stalled_component_body() {
    let app = start(1);
    let out = fetch(
        &app,
        "http://slow.spin.internal/?op=drip&gap_ms=20000",
        "between_bytes_ms=300",
    );
    assert_eq!(out["error"], "connection read timeout", "{out}");
    // The same stream with a short pause is read in full.
    let out = fetch(
        &app,
        "http://slow.spin.internal/?op=drip&gap_ms=50",
        "between_bytes_ms=10000",
    );
    assert_eq!(out["body"], "first-last", "{out}");
}

#[test]
fn chained_call_within_its_timeouts_succeeds() {
    let app = start(1);
    let out = fetch(
        &app,
        "http://slow.spin.internal/?op=sleep&ms=50",
        "connect_ms=10000&first_byte_ms=10000&between_bytes_ms=10000",
    );
    assert_eq!(out["status"], 200, "{out}");
    let inner: serde_json::Value =
        serde_json::from_str(out["body"].as_str().expect("body")).expect("inner json");
    assert_eq!(inner["slept_ms"], 50);
}
