//! `sslmode` in a Postgres address against the shared loopback server, which offers TLS
//! with a self-signed certificate: the shipped defaults ask for a plain connection and get
//! one, every other mode tries TLS and fails on that certificate without falling back to
//! plain, and `allow` is refused. (Verified TLS is in `postgres_tls.rs`.)

mod common;

use common::services::TestDb;
use common::{TestApp, post_json, workspace_dir};
use serde_json::{Value, json};

const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "pg-sslmode"
[[trigger.http]]
route = "/pg"
component = "pg"
[component.pg]
source = "{{pg}}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
"#;

fn run(app: &TestApp, address: &str, sql: &str) -> Value {
    let (status, out) = post_json(
        &app.url("/pg"),
        &json!({ "address": address, "steps": [{ "sql": sql, "params": [], "mode": "query" }] }),
    );
    assert_eq!(status, 200, "{out}");
    out
}

/// Every `postgres://` default among the shipped spin.toml's variables, by name.
fn shipped_postgres_defaults() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace_dir().join("spin.toml")).expect("spin.toml");
    let manifest: toml::Table = toml::from_str(&text).expect("spin.toml parses");
    let variables = manifest["variables"].as_table().expect("[variables]");
    variables
        .iter()
        .filter_map(|(name, spec)| {
            let default = spec.get("default")?.as_str()?;
            default
                .starts_with("postgres://")
                .then(|| (name.clone(), default.to_owned()))
        })
        .collect()
}

#[test]
fn the_shipped_defaults_give_a_plain_connection() {
    let defaults = shipped_postgres_defaults();
    assert!(
        defaults.len() >= 4,
        "every service's database is a variable: {defaults:?}"
    );
    let db = TestDb::create();
    let app = TestApp::start(common::spec(MANIFEST));
    // The server offers TLS, so a plain connection is the address's choice, not the only way.
    let out = run(
        &app,
        &db.address("127.0.0.1:5432"),
        "SELECT current_setting('ssl')",
    );
    assert_eq!(
        out["results"][0]["rows"][0][0], "DbValue::Str(\"on\")",
        "{out}"
    );
    for (name, default) in defaults {
        let (server, query) = default
            .rsplit_once('/')
            .map(|(server, rest)| (server, rest.split_once('?').map_or("", |(_, q)| q)))
            .expect("a database name");
        assert_eq!(server, "postgres://postgres@127.0.0.1:5432", "{name}");
        assert_eq!(query, "sslmode=disable", "{name}");
        // The same address, on this test's database.
        let address = format!("{server}/{}?{query}", db.name);
        let out = run(
            &app,
            &address,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        );
        assert_eq!(
            out["results"][0]["rows"][0][0], "DbValue::Boolean(false)",
            "{name}: {out}"
        );
    }
}

#[test]
fn every_other_mode_verifies_the_certificate_and_never_falls_back() {
    // The loopback server's certificate is self-signed (not for `127.0.0.1`, not from a
    // trusted CA): whether TLS is required or only preferred, the connection fails on it
    // rather than going on in the clear, as on Spin.
    let db = TestDb::create();
    let app = TestApp::start(common::spec(MANIFEST));
    for query in [
        "?sslmode=require",
        "?sslmode=verify-ca",
        "?sslmode=verify-full",
        "?sslmode=prefer",
        "",
    ] {
        let address = format!("postgres://postgres@127.0.0.1:5432/{}{query}", db.name);
        let out = run(&app, &address, "SELECT 1");
        let error = out["open_error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with("Error::ConnectionFailed(")
                && error.contains("invalid peer certificate"),
            "{query}: {out}"
        );
    }
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    assert!(
        metrics.contains("redshop_postgres_connections_opened_total 0"),
        "nothing connected: {metrics}"
    );
}

#[test]
fn allow_is_refused_as_spin_refuses_it() {
    let db = TestDb::create();
    let app = TestApp::start(common::spec(MANIFEST));
    let address = format!(
        "postgres://postgres@127.0.0.1:5432/{}?sslmode=allow",
        db.name
    );
    let out = run(&app, &address, "SELECT 1");
    assert!(
        out["open_error"]
            .as_str()
            .is_some_and(|e| e.contains("sslmode=allow is not supported")),
        "{out}"
    );
}
