//! The same app, the same requests, on redshop and on real Spin (when `REDSHOP_TEST_SPIN`
//! names one): what a client and a guest see must be identical, apart from the rows of the
//! "differs from Spin" table in docs/host.md. Every answer is normalised only for what
//! differs between any two runs (the listener's port, the client's port, `date`) and then
//! compared whole, so a new difference in routing, Spin's request headers, status codes,
//! bodies or the error a denied guest gets fails here.

mod common;

use common::{AppSpec, Runtime, TestApp, spin_binary};
use serde_json::Value;

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "parity"
version = "1.2.3"
[[trigger.http]]
route = "/exact"
component = "exact"
[[trigger.http]]
route = "/shop/..."
component = "shop"
[[trigger.http]]
route = "/users/:id/orders/:order"
component = "named"
[[trigger.http]]
route = { private = true }
component = "private"
[[trigger.http]]
route = "/chain/..."
component = "caller"
[component.exact]
source = "{{probe}}"
[component.shop]
source = "{{probe}}"
[component.named]
source = "{{probe}}"
[component.private]
source = "{{probe}}"
[component.caller]
source = "{{probe}}"
allowed_outbound_hosts = ["http://private.spin.internal", "https://denied.example:443"]
"#;

/// Requests whose answers must be the same on both runtimes.
const REQUESTS: [&str; 11] = [
    "/exact",
    "/exact/more",
    "/shop",
    "/shop/products/42/reviews?sort=new&x=%2F",
    "/users/7/orders/99",
    "/users/7/orders",
    "/nowhere",
    "/.well-known/spin/health",
    "/chain/x?op=fetch&url=http%3A%2F%2Fprivate.spin.internal%2Finner%2Fpath%3Fq%3D1",
    "/chain/x?op=fetch&url=http%3A%2F%2Fsomewhere.example%2F",
    "/chain/x?op=trap",
];

fn start(runtime: Runtime, binary: std::path::PathBuf) -> TestApp {
    let mut spec = AppSpec::new(binary, common::manifest(APP));
    spec.runtime = runtime;
    TestApp::start(spec)
}

/// Status, then the body (as JSON when it is), with this run's ports taken out.
fn observe(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, body) = common::send(ureq::get(&app.url(path)).set("user-agent", "parity"));
    let authority = app.base.trim_start_matches("http://");
    let body = body.replace(authority, "LISTENER");
    (status, normalise(&body))
}

/// A body as JSON when it is one, with the echo's headers in name order (both runtimes pass
/// them in hash order), the client's port taken out, and a chained answer's own body
/// normalised the same way.
fn normalise(body: &str) -> Value {
    let mut json = serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()));
    if let Some(headers) = json.get_mut("headers").and_then(Value::as_array_mut) {
        for pair in headers.iter_mut() {
            if pair[0] == "spin-client-addr" {
                let addr = pair[1].as_str().unwrap_or_default();
                let ip = addr.rsplit_once(':').map_or(addr, |(ip, _)| ip).to_owned();
                pair[1] = Value::String(format!("{ip}:PORT"));
            }
        }
        headers.sort_by_key(|pair| pair.to_string());
    }
    if let Some(inner) = json.get("body").and_then(Value::as_str).map(normalise) {
        json["body"] = inner;
    }
    json
}

#[test]
fn the_same_requests_get_the_same_answers_on_redshop_and_spin() {
    let Some(spin) = spin_binary("the_same_requests_get_the_same_answers_on_redshop_and_spin")
    else {
        return;
    };
    let redshop = start(Runtime::Redshop, common::binary());
    let spin = start(Runtime::Spin, spin);
    let mut differences = Vec::new();
    for path in REQUESTS {
        let ours = observe(&redshop, path);
        let theirs = observe(&spin, path);
        if ours != theirs {
            differences.push(format!(
                "{path}\n  redshop: {} {}\n  spin:    {} {}",
                ours.0, ours.1, theirs.0, theirs.1
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
