//! Spin's HTTP trigger as a guest and a client see it: routing, Spin's request headers,
//! built-in endpoints, private routes and service chaining.

mod common;

use common::{TestApp, header, header_values};

const ROUTES: &str = r#"
spin_manifest_version = 2
[application]
name = "routes"
version = "1.2.3"

[[trigger.http]]
route = "/exact"
component = "exact"
[[trigger.http]]
route = "/shop/..."
component = "shop"
[[trigger.http]]
route = "/shop/cart"
component = "cart"
[[trigger.http]]
route = "/shop/products/..."
component = "products"
[[trigger.http]]
route = "/users/:id/orders/:order"
component = "named"
[[trigger.http]]
route = { private = true }
component = "private"
[[trigger.http]]
route = "/chain/..."
component = "caller"
[[trigger.http]]
route = "/nochain/..."
component = "stranger"

[component.exact]
source = "{{probe}}"
[component.shop]
source = "{{probe}}"
[component.cart]
source = "{{probe}}"
[component.products]
source = "{{probe}}"
[component.named]
source = "{{probe}}"
[component.private]
source = "{{probe}}"
[component.caller]
source = "{{probe}}"
allowed_outbound_hosts = ["http://private.spin.internal", "http://cart.spin.internal"]
[component.stranger]
source = "{{probe}}"
allowed_outbound_hosts = ["http://cart.spin.internal"]
"#;

fn app() -> TestApp {
    TestApp::start(common::spec(ROUTES))
}

fn routed_to(app: &TestApp, path: &str) -> String {
    let (status, echo) = app.get_json(path);
    assert_eq!(status, 200, "{path}");
    header(&echo, "spin-raw-component-route")
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn routing_follows_spins_rules() {
    let app = app();
    // Exact routes match only themselves.
    assert_eq!(routed_to(&app, "/exact"), "/exact");
    assert_eq!(app.get("/exact/more").0, 404);
    // A wildcard matches its prefix itself and everything under it.
    assert_eq!(routed_to(&app, "/shop"), "/shop/...");
    assert_eq!(routed_to(&app, "/shop/anything/deep"), "/shop/...");
    // The exact route beats the wildcard that also covers it.
    assert_eq!(routed_to(&app, "/shop/cart"), "/shop/cart");
    // The longer wildcard prefix wins.
    assert_eq!(routed_to(&app, "/shop/products/42"), "/shop/products/...");
    // Named segments.
    assert_eq!(
        routed_to(&app, "/users/7/orders/99"),
        "/users/:id/orders/:order"
    );
    assert_eq!(app.get("/users/7/orders").0, 404);
    // Nothing matches.
    let (status, body) = app.get("/nowhere");
    assert_eq!((status, body.as_str()), (404, ""));
}

#[test]
fn guest_sees_spins_request_headers() {
    let app = app();
    let (_, echo) = app.get_json("/shop/products/42/reviews?sort=new");
    let port = app.base.rsplit(':').next().expect("port");
    assert_eq!(
        header(&echo, "spin-full-url"),
        Some(format!("http://127.0.0.1:{port}/shop/products/42/reviews?sort=new").as_str())
    );
    assert_eq!(header(&echo, "spin-path-info"), Some("/42/reviews"));
    assert_eq!(
        header(&echo, "spin-matched-route"),
        Some("/shop/products/...")
    );
    assert_eq!(header(&echo, "spin-base-path"), Some("/"));
    assert_eq!(
        header(&echo, "spin-raw-component-route"),
        Some("/shop/products/...")
    );
    assert_eq!(
        header(&echo, "spin-component-route"),
        Some("/shop/products")
    );
    assert!(header(&echo, "spin-client-addr").is_some_and(|a| a.starts_with("127.0.0.1:")));
    // Spin 4 sends WASI HTTP guests only the `spin-*` names; the WAGI-era aliases
    // (`path-info`, `x-matched-route`, ...) exist only for WAGI executors.
    for alias in [
        "path-info",
        "x-full-url",
        "x-matched-route",
        "x-component-route",
        "x-client-addr",
    ] {
        assert_eq!(header(&echo, alias), None, "{alias}");
    }
    // The guest sees the path as the client sent it.
    assert_eq!(echo["path_and_query"], "/shop/products/42/reviews?sort=new");

    let (_, echo) = app.get_json("/users/7/orders/99");
    assert_eq!(header(&echo, "spin-path-match-id"), Some("7"));
    assert_eq!(header(&echo, "spin-path-match-order"), Some("99"));
    assert_eq!(header(&echo, "spin-path-info"), Some(""));
}

#[test]
fn client_cannot_spoof_spin_headers() {
    let app = app();
    let (_, body) = common::send(
        ureq::get(&app.url("/exact"))
            .set("spin-client-addr", "10.0.0.1:1")
            .set("spin-path-info", "/admin"),
    );
    let echo: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(header_values(&echo, "spin-client-addr").len(), 1);
    assert!(header(&echo, "spin-client-addr").is_some_and(|a| a.starts_with("127.0.0.1:")));
    assert_eq!(header_values(&echo, "spin-path-info"), vec![""]);
}

#[test]
fn builtin_endpoints_answer_before_routing() {
    let app = app();
    assert_eq!(app.get("/.well-known/spin/health"), (200, "OK".to_owned()));
    let (status, info) = app.get_json("/.well-known/spin/info");
    assert_eq!(status, 200);
    assert_eq!(
        info,
        serde_json::json!({ "name": "routes", "version": "1.2.3" })
    );
    assert_eq!(app.get("/.well-known/spin/other").0, 404);
}

#[test]
fn private_component_is_unreachable_from_outside() {
    let app = app();
    // No route leads to it, and a spoofed Host does not either.
    assert_eq!(app.get("/private").0, 404);
    let (status, echo) = {
        let (s, b) =
            common::send(ureq::get(&app.url("/exact")).set("Host", "private.spin.internal"));
        (
            s,
            serde_json::from_str::<serde_json::Value>(&b).expect("json"),
        )
    };
    assert_eq!(status, 200);
    assert_eq!(
        header(&echo, "spin-raw-component-route"),
        Some("/exact"),
        "served by the routed component, not the private one"
    );
    assert!(
        !header(&echo, "spin-full-url")
            .unwrap_or_default()
            .contains("spin.internal")
    );
}

#[test]
fn chaining_reaches_a_private_component_when_allowed() {
    let app = app();
    let (status, out) = app.get_json(
        "/chain/x?op=fetch&url=http%3A%2F%2Fprivate.spin.internal%2Finner%2Fpath%3Fq%3D1",
    );
    assert_eq!(status, 200);
    assert_eq!(out["status"], 200, "{out}");
    let inner: serde_json::Value =
        serde_json::from_str(out["body"].as_str().expect("body")).expect("inner json");
    // The callee sees Spin's synthetic route for a chained request.
    assert_eq!(header(&inner, "spin-matched-route"), Some("/..."));
    assert_eq!(header(&inner, "spin-path-info"), Some("/inner/path"));
    assert_eq!(header(&inner, "spin-component-route"), Some(""));
    assert_eq!(header(&inner, "spin-client-addr"), Some("0.0.0.0:0"));
    assert_eq!(inner["path_and_query"], "/inner/path?q=1");
    // Spin strips `Host` before chaining: no `host`, and a full URL on `localhost`.
    assert_eq!(header(&inner, "host"), None, "{inner}");
    assert_eq!(
        header(&inner, "spin-full-url"),
        Some("http://localhost/inner/path?q=1")
    );
}

#[test]
fn chaining_is_denied_without_permission() {
    let app = app();
    let (_, out) = app.get_json("/nochain/x?op=fetch&url=http%3A%2F%2Fprivate.spin.internal%2F");
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("HttpRequestDenied")),
        "{out}"
    );
    // The same component may chain to what it lists.
    let (_, out) = app.get_json("/nochain/x?op=fetch&url=http%3A%2F%2Fcart.spin.internal%2F");
    assert_eq!(out["status"], 200, "{out}");
}

#[test]
fn callee_trap_gives_the_caller_a_500() {
    let app = app();
    let (_, out) =
        app.get_json("/chain/x?op=fetch&url=http%3A%2F%2Fprivate.spin.internal%2F%3Fop%3Dtrap");
    assert_eq!(out["status"], 500, "{out}");
}

#[test]
fn each_request_is_logged_once_with_its_component_and_status() {
    let app = app();
    app.get("/shop/cart");
    app.get("/nowhere");
    assert!(app.wait_for_log("path=/nowhere"), "{}", app.logs());
    let logs = app.logs();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("path=/shop/cart"))
        .collect();
    assert_eq!(lines.len(), 1, "{logs}");
    assert!(
        lines[0].contains("component=cart")
            && lines[0].contains("status=200")
            && lines[0].contains("request_id="),
        "{}",
        lines[0]
    );
    assert!(
        logs.lines()
            .any(|l| l.contains("path=/nowhere") && l.contains("status=404")),
        "{logs}"
    );
}

#[test]
fn json_logs_carry_one_object_per_request() {
    let mut spec = common::spec(ROUTES);
    spec.args = vec!["--log-format".into(), "json".into()];
    let app = TestApp::start(spec);
    app.get("/shop/cart");
    assert!(
        app.wait_for_log("\"path\":\"/shop/cart\""),
        "{}",
        app.logs()
    );
    let logs = app.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("\"path\":\"/shop/cart\""))
        .expect("request line");
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
    assert_eq!(entry["component"], "cart");
    assert_eq!(entry["route"], "/shop/cart");
    assert_eq!(entry["status"], 200);
    assert!(
        entry["latency_us"].is_u64() && entry["request_id"].is_string(),
        "{entry}"
    );
}
