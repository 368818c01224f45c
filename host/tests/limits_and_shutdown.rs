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

/// `redshop_http_requests_in_flight` for the probe.
fn in_flight(app: &TestApp) -> i64 {
    let admin = app.admin.as_deref().expect("admin");
    common::send(ureq::get(&format!("{admin}/metrics")))
        .1
        .lines()
        .find_map(|l| l.strip_prefix("redshop_http_requests_in_flight{component=\"probe\"} "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn endless_loops_hit_the_deadline_and_a_fresh_connection_is_still_served() {
    let app = app();
    let base = app.base.clone();
    // Twice as many loops as the host has worker threads (tokio starts one per CPU this
    // process may use), so every worker has loops queued on it.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let loops: Vec<_> = (0..2 * workers)
        .map(|_| {
            let url = format!("{base}/x?op=loop");
            std::thread::spawn(move || common::send(ureq::get(&url)))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while in_flight(&app) < 2 * workers as i64 {
        assert!(Instant::now() < deadline, "the loops never all started");
        std::thread::sleep(Duration::from_millis(5));
    }
    // A new connection (ureq opens one per agent) to a normal route, while every loop runs.
    let (status, body) = common::send(ureq::AgentBuilder::new().build().get(&format!("{base}/x")));
    assert_eq!(status, 200, "served while loops run: {body}");
    assert_eq!(
        in_flight(&app),
        2 * workers as i64,
        "the loops were still running"
    );
    for handle in loops {
        let (status, body) = handle.join().expect("thread");
        assert_eq!(status, 504);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&body).expect("JSON")["error"],
            "deadline_exceeded"
        );
    }
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    assert!(
        metrics.contains(&format!(
            "redshop_invocation_failures_total{{component=\"probe\",kind=\"deadline\"}} {}",
            2 * workers
        )),
        "{metrics}"
    );
}

#[test]
fn a_memory_bomb_is_capped() {
    let app = app();
    let (status, _) = app.get("/x?op=bomb");
    assert_eq!(status, 500);
    assert_eq!(app.get_json("/x").0, 200);
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    // Stopped by the cap (a trap), not by the deadline.
    for (kind, n) in [("trap", 1), ("deadline", 0)] {
        assert!(
            metrics.contains(&format!(
                "redshop_invocation_failures_total{{component=\"probe\",kind=\"{kind}\"}} {n}"
            )),
            "{metrics}"
        );
    }
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
    assert!(line.contains("component=probe"), "{line}");
    assert!(line.contains("stream=\"stdout\""), "{line}");
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
