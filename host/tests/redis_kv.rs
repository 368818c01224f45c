//! `fermyon:spin/redis@2.0.0` and `fermyon:spin/key-value@2.0.0` against the real Redis on
//! this machine, each with a no-permission twin, and the embedded key-value store.

mod common;

use std::time::{Duration, Instant};

use common::services::{Relay, TestKeys, redis_server};
use common::{TestApp, post_json};
use serde_json::{Value, json};

fn manifest(redis_host: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "kv"
[[trigger.http]]
route = "/allowed"
component = "allowed"
[[trigger.http]]
route = "/denied"
component = "denied"
[component.allowed]
source = "{{{{kv-redis}}}}"
allowed_outbound_hosts = ["redis://{redis_host}"]
key_value_stores = ["default", "shared"]
[component.denied]
source = "{{{{kv-redis}}}}"
[[trigger.http]]
route = "/probe/..."
component = "probe"
[component.probe]
source = "{{{{probe}}}}"
"#
    )
}

const RUNTIME_CONFIG: &str = r#"
[key_value_store.shared]
type = "redis"
url = "redis://127.0.0.1:6379"
"#;

fn start(redis_host: &str) -> TestApp {
    let m = manifest(redis_host);
    let mut spec = common::spec(&m);
    spec.runtime_config = Some(RUNTIME_CONFIG);
    TestApp::start(spec)
}

fn ops(app: &TestApp, path: &str, target: Value, ops: Value) -> Vec<String> {
    let mut body = target;
    body["ops"] = ops;
    let (status, out) = post_json(&app.url(path), &body);
    assert_eq!(status, 200, "{out}");
    out["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn redis_commands_work_and_the_twin_is_denied() {
    let keys = TestKeys::new();
    let app = start("127.0.0.1:6379");
    let p = &keys.prefix;
    let out = ops(
        &app,
        "/allowed",
        json!({ "redis": redis_server() }),
        json!([
            ["set", format!("{p}:k"), "v1"],
            ["get", format!("{p}:k")],
            ["get", format!("{p}:missing")],
            ["incr", format!("{p}:n")],
            ["incr", format!("{p}:n")],
            ["sadd", format!("{p}:s"), ["a", "b", "c"]],
            ["srem", format!("{p}:s"), ["b"]],
            ["smembers", format!("{p}:s")],
            ["del", [format!("{p}:k"), format!("{p}:n")]],
            ["publish", format!("{p}:ch"), "hello"],
            ["execute", "ECHO", ["hi"]],
            ["incr", format!("{p}:s")],
        ]),
    );
    assert_eq!(out[0], "Ok(())");
    assert_eq!(out[1], "Ok(Some(\"v1\"))");
    assert_eq!(out[2], "Ok(None)");
    assert_eq!((out[3].as_str(), out[4].as_str()), ("Ok(1)", "Ok(2)"));
    assert_eq!(out[5], "Ok(3)");
    assert_eq!(out[6], "Ok(1)");
    assert_eq!(out[7], "Ok([\"a\", \"c\"])");
    assert_eq!(out[8], "Ok(2)");
    assert_eq!(out[9], "Ok(())");
    assert!(out[10].contains("Binary([104, 105])"), "{}", out[10]);
    assert!(
        out[11].starts_with("Err(Error::Other("),
        "a command error is reported, not a trap: {}",
        out[11]
    );

    let out = ops(
        &app,
        "/denied",
        json!({ "redis": redis_server() }),
        json!([["get", "x"]]),
    );
    assert_eq!(out, vec!["open: Error::InvalidAddress".to_owned()]);
}

#[test]
fn key_value_on_both_backends_and_labels_are_enforced() {
    let keys = TestKeys::new();
    let app = start("127.0.0.1:6379");
    let k = format!("{}:item", keys.prefix);
    for label in ["default", "shared"] {
        let out = ops(
            &app,
            "/allowed",
            json!({ "kv": label }),
            json!([
                ["set", k, "v"],
                ["get", k],
                ["exists", k],
                ["delete", k],
                ["exists", k],
                ["get", k]
            ]),
        );
        assert_eq!(
            out,
            vec![
                "Ok(())",
                "Ok(Some(\"v\"))",
                "Ok(true)",
                "Ok(())",
                "Ok(false)",
                "Ok(None)"
            ],
            "{label}"
        );
    }
    // The Redis-backed store really is in Redis.
    ops(
        &app,
        "/allowed",
        json!({ "kv": "shared" }),
        json!([["set", k, "in-redis"]]),
    );
    let mut c = keys.conn();
    let stored: Option<String> = redis::cmd("GET").arg(&k).query(&mut c).expect("get");
    assert_eq!(stored.as_deref(), Some("in-redis"));
    // A label the component did not declare, and any label for the twin: access denied.
    let out = ops(&app, "/allowed", json!({ "kv": "elsewhere" }), json!([]));
    assert_eq!(out, vec!["open: Error::AccessDenied".to_owned()]);
    let out = ops(&app, "/denied", json!({ "kv": "default" }), json!([]));
    assert_eq!(out, vec!["open: Error::AccessDenied".to_owned()]);
}

#[test]
fn the_default_store_survives_a_restart() {
    let keys = TestKeys::new();
    let state = tempfile::tempdir().expect("tempdir");
    let rc = format!(
        "state_dir = \"{}\"\n{RUNTIME_CONFIG}",
        state.path().display()
    );
    let m = manifest("127.0.0.1:6379");
    let start = || {
        let mut spec = common::spec(&m);
        spec.runtime_config = Some(&rc);
        TestApp::start(spec)
    };
    let app = start();
    ops(
        &app,
        "/allowed",
        json!({ "kv": "default" }),
        json!([["set", keys.prefix, "kept"]]),
    );
    let (code, _) = app.terminate();
    assert_eq!(code, Some(0));
    let app = start();
    let out = ops(
        &app,
        "/allowed",
        json!({ "kv": "default" }),
        json!([["get", keys.prefix], ["keys"]]),
    );
    assert_eq!(out[0], "Ok(Some(\"kept\"))");
    assert!(out[1].contains(&keys.prefix), "{}", out[1]);
}

#[test]
fn an_unknown_label_in_the_manifest_stops_start_up() {
    let m = manifest("127.0.0.1:6379")
        .replace("[\"default\", \"shared\"]", "[\"default\", \"nowhere\"]");
    let output = TestApp::try_start(common::spec(&m))
        .err()
        .expect("must not start");
    assert!(
        output.contains("`allowed`") && output.contains("nowhere"),
        "{output}"
    );
}

#[test]
fn a_redis_outage_gives_prompt_errors_and_recovers() {
    let keys = TestKeys::new();
    let relay = Relay::start("127.0.0.1:6379");
    let app = start(&relay.addr());
    let address = format!("redis://{}", relay.addr());
    let k = format!("{}:k", keys.prefix);
    let set = json!([["set", k, "1"]]);
    assert_eq!(
        ops(&app, "/allowed", json!({ "redis": address }), set.clone()),
        vec!["Ok(())"]
    );
    relay.cut();
    let started = Instant::now();
    let out = ops(&app, "/allowed", json!({ "redis": address }), set.clone());
    assert!(
        out[0].contains("Err") || out[0].starts_with("open"),
        "{out:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "error took {:?}",
        started.elapsed()
    );
    // Other routes keep being served meanwhile, on a component route.
    let (status, echo) = app.get_json("/probe/during-outage");
    assert_eq!(status, 200, "{echo}");
    assert_eq!(
        common::header(&echo, "spin-path-info"),
        Some("/during-outage")
    );
    relay.restore();
    let recovered = (0..10).any(|_| {
        std::thread::sleep(Duration::from_millis(200));
        ops(&app, "/allowed", json!({ "redis": address }), set.clone()) == vec!["Ok(())"]
    });
    assert!(recovered, "redis did not recover");
}

/// A Redis that accepts connections and never answers: a first connection to it takes the
/// whole connect timeout.
fn black_hole() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64) {
            held.push(stream);
        }
    });
    (port, holder)
}

#[test]
fn an_unreachable_redis_never_holds_up_requests_for_another() {
    let (port, _holder) = black_hole();
    let m = format!(
        r#"
spin_manifest_version = 2
[application]
name = "kv-lock"
[[trigger.http]]
route = "/dead"
component = "dead"
[[trigger.http]]
route = "/live"
component = "live"
[component.dead]
source = "{{{{kv-redis}}}}"
allowed_outbound_hosts = ["redis://127.0.0.1:{port}"]
[component.live]
source = "{{{{kv-redis}}}}"
allowed_outbound_hosts = ["redis://{}"]
"#,
        redis_server()
            .trim_start_matches("redis://")
            .trim_end_matches('/')
    );
    let app = std::sync::Arc::new(TestApp::start(common::spec(&m)));
    let keys = TestKeys::new();
    let started = Instant::now();
    let call = |path: &'static str, body: Value| {
        let app = app.clone();
        std::thread::spawn(move || {
            let (status, out) = post_json(&app.url(path), &body);
            (status, out, started.elapsed())
        })
    };
    let dead: Vec<_> = (0..8)
        .map(|_| {
            call(
                "/dead",
                json!({ "redis": format!("redis://127.0.0.1:{port}"), "ops": [["get", "k"]] }),
            )
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let live: Vec<_> = (0..8)
        .map(|i| {
            call(
                "/live",
                json!({ "redis": redis_server(), "ops": [["set", format!("{}:{i}", keys.prefix), "v"]] }),
            )
        })
        .collect();
    let live: Vec<_> = live.into_iter().map(|t| t.join().expect("live")).collect();
    let dead: Vec<_> = dead.into_iter().map(|t| t.join().expect("dead")).collect();
    for (status, out, _) in &live {
        assert_eq!(*status, 200);
        assert_eq!(out["results"][0], "Ok(())", "{out}");
    }
    for (status, out, _) in &dead {
        assert_eq!(*status, 200);
        assert!(
            out["results"][0]
                .as_str()
                .unwrap_or("")
                .starts_with("open: "),
            "{out}"
        );
    }
    let last_live = live.iter().map(|(_, _, t)| *t).max().unwrap_or_default();
    let first_dead = dead.iter().map(|(_, _, t)| *t).min().unwrap_or_default();
    let last_dead = dead.iter().map(|(_, _, t)| *t).max().unwrap_or_default();
    eprintln!("live answered by {last_live:?}; dead from {first_dead:?} to {last_dead:?}");
    // The healthy address answered while the first attempt at the dead one was still
    // running: nothing made it wait for that attempt.
    assert!(
        last_live < first_dead,
        "live {last_live:?}, dead {first_dead:?}"
    );
}
