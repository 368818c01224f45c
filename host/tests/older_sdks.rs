//! Apps built with older Spin SDKs: the guest in `guests/old-sdks`, built with spin-sdk
//! 3.x and 4.x for `wasm32-wasip1` — core modules the host wraps into components at load —
//! against the real PostgreSQL and Redis on this machine. Each SDK's imports are served:
//! variables, Redis, key-value (`@2.0.0`, as the current SDK imports them), Postgres
//! through `spin:postgres/postgres@3.0.0` and `fermyon:spin/postgres@2.0.0`, and outbound
//! HTTP. Each has a no-permission twin whose errors reach the guest as errors, not traps.
//!
//! `REDSHOP_TEST_BINARY` runs another `redshop` binary (see `common::binary`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::services::{TestDb, TestKeys, redis_server, unique};
use common::{TestApp, post_json};
use serde_json::{Value, json};

/// The SDK majors with a guest, as their package names.
const SDKS: [&str; 2] = ["sdk3", "sdk4"];

/// Path of `guest-<sdk>`'s `.wasm`, building both on first use.
fn old_guest(sdk: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests/old-sdks");
        let packages: Vec<String> = SDKS.iter().map(|s| format!("guest-{s}")).collect();
        common::build_guest_workspace(
            &workspace,
            "wasm32-wasip1",
            &packages.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    });
    dir.join(format!("guest_{sdk}.wasm"))
}

/// Each SDK twice: `/<sdk>/...` with every permission the guest needs, `/<sdk>-denied/...`
/// with none. `upstream` is the port of a local HTTP server the allowed ones may call.
fn manifest(upstream: u16) -> String {
    let mut m = String::from(
        r#"
spin_manifest_version = 2
[application]
name = "older-sdks"
[variables]
greeting = { default = "hello from the host" }
"#,
    );
    for sdk in SDKS {
        let source = old_guest(sdk).display().to_string();
        m.push_str(&format!(
            r#"
[[trigger.http]]
route = "/{sdk}/..."
component = "{sdk}"
[component.{sdk}]
source = "{source}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "postgres://127.0.0.1:1", "redis://127.0.0.1:6379", "redis://127.0.0.1:1", "http://127.0.0.1:{upstream}"]
key_value_stores = ["default"]
[component.{sdk}.variables]
greeting = "{{{{ greeting }}}}"
[[trigger.http]]
route = "/{sdk}-denied/..."
component = "{sdk}-denied"
[component.{sdk}-denied]
source = "{source}"
"#
        ));
    }
    m
}

/// The app, with a local HTTP server its allowed components may call; returns the app and
/// that server's URL.
fn start() -> (TestApp, String) {
    let upstream = common::upstream("upstream says hi");
    let spec = common::AppSpec::new(common::binary(), manifest(upstream));
    (
        TestApp::start(spec),
        format!("http://127.0.0.1:{upstream}/hello"),
    )
}

/// POST `body` to `/<component>/<op>`; the guest answers 200 with `ok` or `error`.
fn call(app: &TestApp, component: &str, op: &str, body: Value) -> Result<Value, String> {
    let (status, out) = post_json(&app.url(&format!("/{component}/{op}")), &body);
    assert_eq!(status, 200, "{component} {op}: {out}");
    match (out.get("ok"), out.get("error")) {
        (Some(ok), None) => Ok(ok.clone()),
        (None, Some(Value::String(e))) => Err(e.clone()),
        _ => panic!("{component} {op}: unexpected body {out}"),
    }
}

#[test]
fn each_sdk_serves_http_and_reads_its_variable() {
    let (app, _) = start();
    for sdk in SDKS {
        let hello = call(&app, sdk, "hello", Value::Null).expect("hello");
        assert_eq!(hello, json!(format!("spin-sdk {}", &sdk[3..])));
        let greeting = call(&app, sdk, "variable", Value::Null).expect("variable");
        assert_eq!(greeting, json!("hello from the host"));
        let undefined = call(&app, &format!("{sdk}-denied"), "variable", Value::Null)
            .expect_err("the twin binds no variable");
        assert!(undefined.contains("Undefined"), "{sdk}: {undefined}");
    }
}

#[test]
fn each_sdk_sets_and_gets_redis_keys_and_the_twin_is_denied() {
    let (app, _) = start();
    let keys = TestKeys::new();
    for sdk in SDKS {
        let key = format!("{}:{sdk}", keys.prefix);
        let body = json!({ "address": redis_server(), "key": key, "value": format!("from {sdk}") });
        assert_eq!(
            call(&app, sdk, "redis", body.clone()),
            Ok(json!(format!("from {sdk}")))
        );
        let stored: Option<String> = redis::cmd("GET")
            .arg(&key)
            .query(&mut keys.conn())
            .expect("get from outside");
        assert_eq!(stored.as_deref(), Some(format!("from {sdk}").as_str()));

        let denied = call(&app, &format!("{sdk}-denied"), "redis", body).expect_err("not allowed");
        assert!(denied.contains("InvalidAddress"), "{sdk}: {denied}");
        // Server down: an error for the guest, not a trap.
        let down = json!({ "address": "redis://127.0.0.1:1", "key": key, "value": "x" });
        let err = call(&app, sdk, "redis", down).expect_err("nothing listens on port 1");
        assert!(err.contains("Other"), "{sdk}: {err}");
    }
}

#[test]
fn each_sdk_uses_the_default_key_value_store_and_the_twin_is_denied() {
    let (app, _) = start();
    for sdk in SDKS {
        let key = unique("older_sdks_kv");
        let body = json!({ "store": "default", "key": key, "value": sdk });
        assert_eq!(call(&app, sdk, "kv", body.clone()), Ok(json!(sdk)));
        let denied =
            call(&app, &format!("{sdk}-denied"), "kv", body).expect_err("no stores listed");
        assert!(denied.contains("AccessDenied"), "{sdk}: {denied}");
    }
}

/// The row read back through `@3.0.0`: every value type the interface has, as the guest
/// prints it.
const PG3_ROW: [&str; 13] = [
    "DbValue::Boolean(true)",
    "DbValue::Int16(-300)",
    "DbValue::Int32(70000)",
    "DbValue::Int64(5000000000)",
    "DbValue::Floating32(1.5)",
    "DbValue::Floating64(2.25)",
    "DbValue::Str(\"héllo\")",
    "DbValue::Binary([0, 1, 255])",
    "DbValue::Date((2026, 12, 2))",
    "DbValue::Time((13, 45, 30, 500000))",
    "DbValue::Datetime((2026, 12, 2, 13, 45, 30, 0))",
    // A `timestamp` parameter is seconds since the epoch for a `timestamptz`, as in Spin;
    // it reads back as a UTC `datetime`.
    "DbValue::Datetime((2023, 11, 14, 22, 13, 20, 0))",
    "DbValue::DbNull",
];

#[test]
fn each_sdk_queries_postgres_through_spin_postgres_3() {
    let (app, _) = start();
    let db = TestDb::create();
    for sdk in SDKS {
        let table = format!("pg3_{sdk}");
        let body = json!({ "address": db.address("127.0.0.1:5432"), "table": table });
        let out = call(&app, sdk, "pg3", body.clone()).expect("pg3 round trip");
        assert_eq!(out["inserted"], json!(1), "{sdk}: {out}");
        assert_eq!(out["rows"], json!([PG3_ROW]), "{sdk}: {out}");
        let columns: Vec<&str> = out["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(columns[0], "b:DbDataType::Boolean", "{sdk}: {out}");
        assert_eq!(columns[8], "d:DbDataType::Date", "{sdk}: {out}");
        assert_eq!(columns[10], "dt:DbDataType::Datetime", "{sdk}: {out}");

        let denied = call(&app, &format!("{sdk}-denied"), "pg3", body).expect_err("not allowed");
        assert!(
            denied.contains("ConnectionFailed") && denied.contains("not permitted"),
            "{sdk}: {denied}"
        );
        let down = json!({ "address": db.address("127.0.0.1:1"), "table": "t" });
        let err = call(&app, sdk, "pg3", down).expect_err("nothing listens on port 1");
        assert!(err.contains("ConnectionFailed"), "{sdk}: {err}");
    }
}

#[test]
fn each_sdk_queries_postgres_through_fermyon_spin_postgres_2() {
    let (app, _) = start();
    let db = TestDb::create();
    for sdk in SDKS {
        let table = format!("pg2_{sdk}");
        let body = json!({ "address": db.address("127.0.0.1:5432"), "table": table });
        let out = call(&app, sdk, "pg2", body.clone()).expect("pg2 round trip");
        assert_eq!(out["inserted"], json!(1), "{sdk}: {out}");
        assert_eq!(
            out["rows"],
            json!([[
                "DbValue::Boolean(true)",
                "DbValue::Int16(-300)",
                "DbValue::Int32(70000)",
                "DbValue::Int64(5000000000)",
                "DbValue::Floating32(1.5)",
                "DbValue::Floating64(2.25)",
                "DbValue::Str(\"héllo\")",
                "DbValue::Binary([0, 1, 255])",
                "DbValue::DbNull",
            ]]),
            "{sdk}: {out}"
        );
        let unsigned = out["unsigned"].as_str().unwrap_or_default();
        assert!(
            unsigned.contains("ValueConversionFailed") && unsigned.contains("unsigned"),
            "{sdk}: {out}"
        );

        let denied = call(&app, &format!("{sdk}-denied"), "pg2", body).expect_err("not allowed");
        assert!(
            denied.contains("ConnectionFailed") && denied.contains("not permitted"),
            "{sdk}: {denied}"
        );
        let down = json!({ "address": db.address("127.0.0.1:1"), "table": "t" });
        let err = call(&app, sdk, "pg2", down).expect_err("nothing listens on port 1");
        assert!(err.contains("ConnectionFailed"), "{sdk}: {err}");
    }
}

#[test]
fn each_sdk_sends_outbound_http_and_the_twin_is_denied() {
    let (app, url) = start();
    for sdk in SDKS {
        let out = call(&app, sdk, "http", json!({ "url": url })).expect("outbound call");
        assert_eq!(
            out,
            json!({ "status": 200, "body": "upstream says hi" }),
            "{sdk}"
        );
        let denied = call(
            &app,
            &format!("{sdk}-denied"),
            "http",
            json!({ "url": url }),
        )
        .expect_err("denied");
        assert!(denied.contains("HttpRequestDenied"), "{sdk}: {denied}");
    }
}

#[test]
fn a_wrapped_module_is_compiled_once_then_loaded_from_the_cache() {
    let cache = tempfile::tempdir().expect("tempdir");
    let source = old_guest("sdk3").display().to_string();
    let m = format!(
        r#"
spin_manifest_version = 2
[application]
name = "cached-module"
[[trigger.http]]
route = "/..."
component = "old"
[component.old]
source = "{source}"
"#
    );
    let run = || {
        let mut spec = common::AppSpec::new(common::binary(), m.clone());
        spec.args = vec!["--cache-dir".into(), cache.path().display().to_string()];
        let app = TestApp::start(spec);
        assert_eq!(
            app.get("/hello"),
            (200, r#"{"ok":"spin-sdk 3"}"#.to_owned())
        );
        let (code, logs) = app.terminate();
        assert_eq!(code, Some(0));
        logs
    };
    let first = run();
    assert!(first.contains("compiled=1 cached=0"), "{first}");
    let second = run();
    assert!(second.contains("compiled=0 cached=1"), "{second}");
}

#[test]
fn a_module_that_cannot_be_wrapped_stops_start_up_naming_the_component() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A valid core module with no component type: what a Spin 1.x SDK or WAGI leaves.
    let module = dir.path().join("bare.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").expect("write module");
    let m = format!(
        r#"
spin_manifest_version = 2
[application]
name = "bare-module"
[[trigger.http]]
route = "/..."
component = "bare"
[component.bare]
source = "{}"
"#,
        module.display()
    );
    let spec = common::AppSpec::new(common::binary(), m);
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(output.contains("component `bare`"), "{output}");
    assert!(output.contains("without a component type"), "{output}");
}

#[test]
fn each_guest_is_a_core_module_importing_the_older_interfaces() {
    for sdk in SDKS {
        let wasm = std::fs::read(old_guest(sdk)).expect("read guest");
        assert!(redshop::core_module::is_core_module(&wasm), "{sdk}");
        let mut imported = std::collections::BTreeSet::new();
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::ImportSection(reader) = payload.expect("valid module") {
                for import in reader.into_imports() {
                    imported.insert(import.expect("import").module.to_owned());
                }
            }
        }
        for interface in [
            "spin:postgres/postgres@3.0.0",
            "fermyon:spin/postgres@2.0.0",
            "fermyon:spin/variables@2.0.0",
            "fermyon:spin/redis@2.0.0",
            "fermyon:spin/key-value@2.0.0",
            "wasi:http/outgoing-handler@0.2.0",
            "wasi_snapshot_preview1",
        ] {
            assert!(imported.contains(interface), "{sdk} imports {imported:?}");
        }
    }
}
