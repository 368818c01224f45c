//! The limits docs/host.md promises, each checked at its configured value: the memory cap,
//! admission control, the instance pool, the body limit, the request deadline shared by
//! chained calls, the hop limit, one fresh instance per request, and no raw network access.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::TestApp;
use serde_json::Value;

const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "limits"
[[trigger.http]]
route = "/caller/..."
component = "caller"
[[trigger.http]]
route = "/..."
component = "probe"
[[trigger.http]]
route = { private = true }
component = "callee"
[component.probe]
source = "{{probe}}"
[component.caller]
source = "{{probe}}"
allowed_outbound_hosts = ["http://*.spin.internal"]
[component.callee]
source = "{{probe}}"
allowed_outbound_hosts = ["http://callee.spin.internal"]
"#;

fn start(runtime_config: Option<&str>, host_config: &str) -> TestApp {
    let mut spec = common::spec(MANIFEST);
    spec.runtime_config = runtime_config;
    spec.host_config = Some(host_config);
    TestApp::start(spec)
}

fn json_body(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"))
}

fn metrics(app: &TestApp) -> String {
    let admin = app.admin.as_deref().expect("admin");
    common::send(ureq::get(&format!("{admin}/metrics"))).1
}

fn in_flight(app: &TestApp, component: &str) -> i64 {
    let wanted = format!("redshop_http_requests_in_flight{{component=\"{component}\"}} ");
    metrics(app)
        .lines()
        .find_map(|l| l.strip_prefix(&wanted))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn wait_in_flight(app: &TestApp, component: &str, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while in_flight(app, component) < n {
        assert!(
            Instant::now() < deadline,
            "{component} never had {n} in flight"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_memory_cap_is_the_configured_one() {
    let small = start(Some("max_instance_memory = 67108864\n"), "");
    let (status, body) = small.get("/x?op=alloc&mb=100");
    assert_eq!(
        (status, body.as_str()),
        (500, ""),
        "100 MiB is over a 64 MiB cap"
    );
    assert_eq!(
        small.get_json("/x?op=alloc&mb=16").1["allocated_mb"],
        16,
        "under the cap is fine"
    );
    drop(small);
    let large = start(Some("max_instance_memory = 268435456\n"), "");
    let (status, out) = large.get_json("/x?op=alloc&mb=100");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["allocated_mb"], 100, "100 MiB is under a 256 MiB cap");
}

#[test]
fn requests_past_the_cap_get_503_while_chained_calls_pass() {
    let app = start(
        None,
        "[limits]\nmax_concurrent_requests = 1\nqueue_timeout_ms = 200\n",
    );
    // The one outside request the cap allows makes a chained call: chained calls take no
    // slot, so it gets through while the host is at capacity.
    let url = app.url(
        "/caller/x?op=fetch-with-options&url=http%3A%2F%2Fcallee.spin.internal%2F%3Fop%3Dsleep%26ms%3D3000",
    );
    let holder = std::thread::spawn(move || common::send(ureq::get(&url)));
    wait_in_flight(&app, "callee", 1);
    let (status, body) = app.get("/x");
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        json_body(&body),
        serde_json::json!({
            "error": "service_unavailable",
            "message": "the server is at capacity; try again shortly",
        })
    );
    let (status, body) = holder.join().expect("holder");
    assert_eq!(status, 200, "{body}");
    let out = json_body(&body);
    assert_eq!(out["status"], 200, "the chained call passed: {out}");
    assert_eq!(
        json_body(out["body"].as_str().expect("body"))["slept_ms"],
        3000
    );
    // With the slot free again, the next request is served.
    assert_eq!(app.get_json("/x").0, 200);
}

#[test]
fn admission_is_what_the_instance_pool_can_serve_whole_chains_for() {
    // `caller` may chain to any component (`*.spin.internal`): its longest chain is the
    // 8-hop limit plus one, 9 instances. A pool of 1 cannot serve one such request.
    let mut spec = common::spec(MANIFEST);
    spec.host_config = Some("[pooling]\ntotal_component_instances = 1\n");
    let refused = TestApp::try_start(spec).err().expect("must not start");
    assert!(
        refused.contains("total_component_instances = 1 cannot serve one request")
            && refused.contains("at least 9"),
        "{refused}"
    );
    // A pool of 9 serves one request at a time, whatever max_concurrent_requests says;
    // the next waits in the queue and is answered 503 with Retry-After when it times out.
    let app = start(
        None,
        "[pooling]\ntotal_component_instances = 9\n[limits]\nmax_concurrent_requests = 64\nqueue_timeout_ms = 300\n",
    );
    let url = app.url("/x?op=sleep&ms=3000");
    let holder = std::thread::spawn(move || common::send(ureq::get(&url)));
    wait_in_flight(&app, "probe", 1);
    let refused = ureq::get(&app.url("/x")).call();
    let Err(ureq::Error::Status(503, response)) = refused else {
        panic!("expected a 503: {refused:?}");
    };
    assert_eq!(response.header("retry-after"), Some("1"));
    assert_eq!(
        json_body(&response.into_string().unwrap_or_default())["error"],
        "service_unavailable"
    );
    assert_eq!(holder.join().expect("holder").0, 200);
    assert_eq!(app.get_json("/x").0, 200, "the slot is free again");
}

#[test]
fn a_full_queue_is_refused_at_once() {
    let app = start(
        None,
        "[limits]\nmax_concurrent_requests = 1\nmax_queued_requests = 1\nqueue_timeout_ms = 20000\n",
    );
    let slow = |ms: u64| {
        let url = app.url(&format!("/x?op=sleep&ms={ms}"));
        std::thread::spawn(move || common::send(ureq::get(&url)))
    };
    let running = slow(3000);
    wait_in_flight(&app, "probe", 1);
    let queued = slow(10);
    std::thread::sleep(Duration::from_millis(300));
    // One runs, one waits; the third finds the queue full and is refused without waiting
    // the 20 s queue timeout.
    let started = Instant::now();
    let (status, body) = app.get("/x");
    assert_eq!(status, 503, "{body}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(running.join().expect("running").0, 200);
    assert_eq!(
        queued.join().expect("queued").0,
        200,
        "the queued one was served"
    );
}

#[test]
fn the_body_limit_gives_413_before_an_instance_is_taken() {
    let app = start(None, "[limits]\nmax_request_body_bytes = 1024\n");
    let (status, body) = common::send_body(ureq::post(&app.url("/x")), &"a".repeat(2048));
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        json_body(&body),
        serde_json::json!({
            "error": "payload_too_large",
            "message": "the request body is larger than the limit of 1024 bytes",
        })
    );
    let m = metrics(&app);
    let probe_requests: Vec<&str> = m
        .lines()
        .filter(|l| l.starts_with("redshop_http_requests_total{component=\"probe\""))
        .collect();
    assert!(
        !probe_requests.is_empty() && probe_requests.iter().all(|l| l.ends_with(" 0")),
        "no instance was taken: {probe_requests:?}"
    );
    let (status, body) = common::send_body(ureq::post(&app.url("/x")), &"a".repeat(1000));
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_body(&body)["body_len"], 1000);
}

#[test]
fn a_chained_call_shares_the_callers_deadline() {
    let app = start(None, "[limits]\nrequest_timeout_ms = 1500\n");
    let started = Instant::now();
    let (status, body) = app.get(
        "/caller/x?op=fetch-with-options&url=http%3A%2F%2Fcallee.spin.internal%2F%3Fop%3Dsleep%26ms%3D20000",
    );
    assert_eq!(
        status, 504,
        "the outer request ends at its deadline: {body}"
    );
    assert_eq!(
        json_body(&body),
        serde_json::json!({
            "error": "deadline_exceeded",
            "message": "the request did not finish within its deadline",
        })
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "ended by the outer deadline, not the callee's sleep: {:?}",
        started.elapsed()
    );
}

#[test]
fn chaining_to_an_unknown_component_is_destination_not_found() {
    let app = start(None, "");
    let (_, out) =
        app.get_json("/caller/x?op=fetch-with-options&url=http%3A%2F%2Fnosuch.spin.internal%2F");
    assert_eq!(out["error"], "ErrorCode::DestinationNotFound", "{out}");
}

#[test]
fn the_hop_limit_stops_a_chain_at_eight_hops() {
    let app = start(None, "");
    let (status, out) = app.get_json("/caller/x?op=recurse&target=callee");
    assert_eq!(status, 200, "{out}");
    // Walk the nested answers down to the level that was refused.
    let mut level = &out;
    let mut depths = Vec::new();
    while let Some(depth) = level["depth"].as_u64() {
        depths.push(depth);
        level = &level["inner"];
    }
    assert_eq!(depths, (0..=8).collect::<Vec<u64>>(), "{out}");
    assert_eq!(level["error"], "ErrorCode::LoopDetected", "{out}");
}

#[test]
fn every_request_gets_a_fresh_instance() {
    let app = start(None, "");
    for _ in 0..5 {
        let (_, out) = app.get_json("/x?op=count");
        assert_eq!(out["count"], 1, "a global survived a request: {out}");
    }
}

#[test]
fn raw_sockets_and_name_lookups_are_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let app = start(None, "");
    let (_, out) = app.get_json(&format!("/x?op=connect&port={port}"));
    assert_eq!(out["error"], "access-denied", "{out}");
    assert!(
        listener.accept().is_err(),
        "the guest's connection reached the listener"
    );
    let (_, out) = app.get_json("/x?op=lookup&name=localhost");
    assert_eq!(out["error"], "permanent-resolver-failure", "{out}");
}
