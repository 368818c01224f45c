//! Requests to the app itself: a relative URL (or `http://self.alt/...`) from a component
//! allowed `http://self` is routed in-process like a request to the listener; without
//! the permission it is `HttpRequestDenied`.

mod common;

use common::{TestApp, header};
use serde_json::Value;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "self-requests"

[[trigger.http]]
route = "/caller/..."
component = "caller"
[[trigger.http]]
route = "/target/..."
component = "target"
[[trigger.http]]
route = { private = true }
component = "private"
[[trigger.http]]
route = "/stranger/..."
component = "stranger"

[component.caller]
source = "{{probe}}"
allowed_outbound_hosts = ["http://self"]
[component.target]
source = "{{probe}}"
[component.private]
source = "{{probe}}"
[component.stranger]
source = "{{probe}}"
allowed_outbound_hosts = ["http://target.spin.internal"]
"#;

/// Percent-encode `url` for the probe's `url` parameter.
fn encode(url: &str) -> String {
    url.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What `component`'s probe got back when it fetched `url`.
fn fetch(app: &TestApp, component: &str, url: &str) -> Value {
    let (status, out) = app.get_json(&format!("/{component}/x?op=fetch&url={}", encode(url)));
    assert_eq!(status, 200, "{out}");
    out
}

fn inner(out: &Value) -> Value {
    serde_json::from_str(out["body"].as_str().expect("a body")).expect("the callee's echo")
}

#[test]
fn a_relative_url_is_routed_like_a_request_to_the_listener() {
    let app = TestApp::start(common::spec(APP));
    let listener = app.base.trim_start_matches("http://");
    let out = fetch(&app, "caller", "/target/inner?q=1");
    assert_eq!(out["status"], 200, "{out}");
    let echo = inner(&out);
    // The public route matched, as for a request from outside; the listener is the origin.
    assert_eq!(header(&echo, "spin-matched-route"), Some("/target/..."));
    assert_eq!(header(&echo, "spin-path-info"), Some("/inner"));
    // `spin-full-url` is built from the request's `Host`: the listener, not `:443`.
    let full_url = format!("http://{listener}/target/inner?q=1");
    assert_eq!(header(&echo, "spin-full-url"), Some(full_url.as_str()));
    assert_eq!(echo["path_and_query"], "/target/inner?q=1");

    // `self.alt` is the same, for SDKs that need a host.
    let out = fetch(&app, "caller", "http://self.alt/target/alt");
    assert_eq!(
        header(&inner(&out), "spin-path-info"),
        Some("/alt"),
        "{out}"
    );

    // The built-in paths answer as on the listener.
    let out = fetch(&app, "caller", "/.well-known/spin/health");
    assert_eq!(
        (out["status"].as_u64(), out["body"].as_str()),
        (Some(200), Some("OK")),
        "{out}"
    );
}

#[test]
fn only_public_routes_are_reachable_and_a_callee_trap_is_a_500() {
    let app = TestApp::start(common::spec(APP));
    // The private component has no route: a request to the app cannot reach it.
    assert_eq!(fetch(&app, "caller", "/nowhere")["status"], 404);
    assert_eq!(fetch(&app, "caller", "/target/x?op=trap")["status"], 500);
}

#[test]
fn without_http_self_it_is_denied() {
    let app = TestApp::start(common::spec(APP));
    for url in ["/target/x", "http://self.alt/target/x"] {
        let out = fetch(&app, "stranger", url);
        assert!(
            out["error"]
                .as_str()
                .is_some_and(|e| e.contains("HttpRequestDenied")),
            "{url}: {out}"
        );
    }
    // A host literally named `self` is not the app, on Spin either: no entry grants it.
    let out = fetch(&app, "caller", "http://self/target/x");
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("HttpRequestDenied")),
        "{out}"
    );
}
