//! Misbehaving guests stay contained: a trap, an endless loop and an endless allocation
//! each fail only their own request, and shutdown drains what is in flight.

mod common;

use std::time::{Duration, Instant};

use common::TestApp;

const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "limits"
[[trigger.http]]
route = "/..."
component = "probe"
[component.probe]
source = "{{probe}}"
"#;

const HOST_CONFIG: &str = r#"
[limits]
request_timeout_ms = 1500
drain_timeout_ms = 10000
"#;

fn app() -> TestApp {
    let mut spec = common::spec(MANIFEST);
    spec.runtime_config = Some("max_instance_memory = 67108864\n");
    spec.host_config = Some(HOST_CONFIG);
    TestApp::start(spec)
}

#[test]
fn a_trap_fails_only_its_own_request() {
    let app = app();
    let (status, body) = app.get("/x?op=trap");
    assert_eq!((status, body.as_str()), (500, ""), "no internals leak");
    assert_eq!(app.get_json("/x").0, 200, "the next request succeeds");
    assert!(
        app.wait_for_log("request failed"),
        "the cause is logged: {}",
        app.logs()
    );
}

#[test]
fn an_endless_loop_hits_the_deadline_and_others_keep_being_served() {
    let app = app();
    let base = app.base.clone();
    // Occupy both cores' worth of workers with loops, then check the host still answers.
    let loops: Vec<_> = (0..4)
        .map(|_| {
            let url = format!("{base}/x?op=loop");
            std::thread::spawn(move || common::send(ureq::get(&url)).0)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = app.get("/x");
    assert_eq!(status, 200, "served while loops run");
    for handle in loops {
        assert_eq!(handle.join().expect("thread"), 504);
    }
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    assert!(
        metrics
            .contains("redshop_invocation_failures_total{component=\"probe\",kind=\"deadline\"} 4"),
        "{metrics}"
    );
}

#[test]
fn a_memory_bomb_is_capped() {
    let app = app();
    let started = Instant::now();
    let (status, _) = app.get("/x?op=bomb");
    assert_eq!(status, 500);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "stopped by the cap, not the deadline"
    );
    assert_eq!(app.get_json("/x").0, 200);
    // The host's peak memory stays far below what an uncapped guest reaches (4 GiB).
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", app.pid())).expect("proc status");
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    assert!(peak_kib < 512 * 1024, "peak RSS {peak_kib} KiB");
}

#[test]
fn shutdown_drains_in_flight_requests_and_exits_zero() {
    let app = app();
    let url = app.url("/x?op=sleep&ms=1000");
    let slow = std::thread::spawn(move || common::send(ureq::get(&url)));
    std::thread::sleep(Duration::from_millis(300));
    let base = app.base.clone();
    let started = Instant::now();
    let (code, logs) = app.terminate();
    let (status, body) = slow.join().expect("thread");
    assert_eq!(status, 200, "the in-flight request finished: {body}");
    assert_eq!(code, Some(0), "{logs}");
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "waited for the request"
    );
    assert!(
        ureq::get(&format!("{base}/x"))
            .timeout(Duration::from_secs(2))
            .call()
            .is_err(),
        "no longer accepting"
    );
}

#[test]
fn guest_output_is_logged_with_its_component() {
    let app = app();
    app.get("/x?op=print&text=marker42");
    assert!(app.wait_for_log("stderr says marker42"), "{}", app.logs());
    let logs = app.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("stdout says marker42"))
        .unwrap_or_else(|| panic!("{logs}"));
    assert!(
        line.contains("component=probe") && line.contains("stream=\"stdout\"")
            || line.contains("stream=stdout"),
        "{line}"
    );
    assert!(
        logs.lines().any(|l| l.contains("stderr says marker42")),
        "{logs}"
    );
}

#[test]
fn admin_endpoints_stay_off_the_app_listener() {
    let app = app();
    let admin = app.admin.clone().expect("admin listener");
    assert_eq!(common::send(ureq::get(&format!("{admin}/healthz"))).0, 200);
    assert_eq!(common::send(ureq::get(&format!("{admin}/readyz"))).0, 200);
    app.get("/x");
    let metrics = common::send(ureq::get(&format!("{admin}/metrics"))).1;
    assert!(
        metrics.contains("redshop_http_requests_total{component=\"probe\",status=\"2xx\"}"),
        "{metrics}"
    );
    // The app's listener routes /metrics to the component like any other path.
    let (_, echo) = app.get_json("/metrics");
    assert_eq!(common::header(&echo, "spin-path-info"), Some("/metrics"));
}
