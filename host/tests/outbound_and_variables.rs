//! Outbound HTTP allow-lists and Spin variables, as a guest sees them.

mod common;

use common::{TestApp, upstream};

fn outbound_manifest(allowed_port: u16) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "outbound"

[variables]
upstream_host = {{ default = "127.0.0.1" }}
upstream_port = {{ required = true }}
greeting = {{ default = "hello" }}
api_token = {{ required = true, secret = true }}

[[trigger.http]]
route = "/allowed/..."
component = "allowed"
[[trigger.http]]
route = "/templated/..."
component = "templated"
[[trigger.http]]
route = "/none/..."
component = "none"

[component.allowed]
source = "{{{{probe}}}}"
allowed_outbound_hosts = ["http://127.0.0.1:{allowed_port}"]
[component.allowed.variables]
greeting = "{{{{ greeting }}}}, world"
token = "{{{{ api_token }}}}"

[component.templated]
source = "{{{{probe}}}}"
allowed_outbound_hosts = ["http://{{{{ upstream_host }}}}:{{{{ upstream_port }}}}"]

[component.none]
source = "{{{{probe}}}}"
"#
    )
}

fn fetch_path(prefix: &str, port: u16) -> String {
    format!("/{prefix}/x?op=fetch&url=http%3A%2F%2F127.0.0.1%3A{port}%2Fhello")
}

fn start(allowed: u16, templated: u16, extra_env: &[(&str, &str)]) -> TestApp {
    let manifest = outbound_manifest(allowed);
    let mut spec = common::spec(&manifest);
    spec.env
        .push(("SPIN_VARIABLE_UPSTREAM_PORT".into(), templated.to_string()));
    spec.env.push((
        "SPIN_VARIABLE_API_TOKEN".into(),
        "s3cr3t-t0ken-value".into(),
    ));
    for (k, v) in extra_env {
        spec.env.push(((*k).into(), (*v).into()));
    }
    TestApp::start(spec)
}

#[test]
fn outbound_requests_follow_the_allow_list() {
    let a = upstream("from upstream a");
    let b = upstream("from upstream b");
    let app = start(a, b, &[]);

    let (_, out) = app.get_json(&fetch_path("allowed", a));
    assert_eq!(
        (out["status"].as_u64(), out["body"].as_str()),
        (Some(200), Some("from upstream a")),
        "{out}"
    );
    // Another port on the same host is not on the list.
    let (_, out) = app.get_json(&fetch_path("allowed", b));
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("HttpRequestDenied")),
        "{out}"
    );
    // A component without allowed_outbound_hosts reaches nothing.
    let (_, out) = app.get_json(&fetch_path("none", a));
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("HttpRequestDenied")),
        "{out}"
    );
    // Templated entries are rendered from application variables.
    let (_, out) = app.get_json(&fetch_path("templated", b));
    assert_eq!(out["body"], "from upstream b", "{out}");
    let (_, out) = app.get_json(&fetch_path("templated", a));
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("HttpRequestDenied")),
        "{out}"
    );
}

#[test]
fn variables_come_from_defaults_and_the_environment() {
    let a = upstream("a");
    let app = start(a, a, &[]);
    let (_, out) = app.get_json("/allowed/x?op=var&name=greeting");
    assert_eq!(out["value"], "hello, world");
    // A name the component did not declare is undefined, not a trap.
    let (_, out) = app.get_json("/allowed/x?op=var&name=upstream_port");
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("Undefined")),
        "{out}"
    );
    let (_, out) = app.get_json("/allowed/x?op=var&name=Bad-Name");
    assert!(
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("InvalidName")),
        "{out}"
    );
    drop(app);

    let app = start(a, a, &[("SPIN_VARIABLE_GREETING", "howdy")]);
    let (_, out) = app.get_json("/allowed/x?op=var&name=greeting");
    assert_eq!(out["value"], "howdy, world");
}

#[test]
fn secret_values_never_reach_the_log() {
    let a = upstream("a");
    let manifest = outbound_manifest(a);
    let mut spec = common::spec(&manifest);
    spec.env
        .push(("SPIN_VARIABLE_UPSTREAM_PORT".into(), a.to_string()));
    spec.env.push((
        "SPIN_VARIABLE_API_TOKEN".into(),
        "s3cr3t-t0ken-value".into(),
    ));
    spec.env.push(("RUST_LOG".into(), "trace".into()));
    let app = TestApp::start(spec);
    let (_, out) = app.get_json("/allowed/x?op=var&name=token");
    assert_eq!(out["value"], "s3cr3t-t0ken-value", "the guest can read it");
    let (code, logs) = app.terminate();
    assert_eq!(code, Some(0));
    assert!(logs.contains("request"), "trace logging was on: {logs}");
    assert!(
        !logs.contains("s3cr3t-t0ken-value"),
        "secret leaked into the log"
    );
}

#[test]
fn missing_required_variable_stops_start_up_and_names_it() {
    let manifest = outbound_manifest(1);
    let mut spec = common::spec(&manifest);
    spec.env
        .push(("SPIN_VARIABLE_UPSTREAM_PORT".into(), "1".into()));
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(
        output.contains("api_token") && output.contains("SPIN_VARIABLE_API_TOKEN"),
        "{output}"
    );
}

#[test]
fn env_flag_sets_component_environment() {
    let a = upstream("a");
    let manifest = outbound_manifest(a);
    let mut spec = common::spec(&manifest);
    spec.env
        .push(("SPIN_VARIABLE_UPSTREAM_PORT".into(), a.to_string()));
    spec.env
        .push(("SPIN_VARIABLE_API_TOKEN".into(), "x".into()));
    spec.args = vec!["--env".into(), "SHOP_MODE=test".into()];
    let app = TestApp::start(spec);
    let (_, out) = app.get_json("/none/x?op=env&name=SHOP_MODE");
    assert_eq!(out["value"], "test");
    // The host's own environment is not leaked to guests.
    let (_, out) = app.get_json("/none/x?op=env&name=SPIN_VARIABLE_API_TOKEN");
    assert_eq!(out["value"], serde_json::Value::Null);
}
