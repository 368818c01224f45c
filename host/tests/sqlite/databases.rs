//! Labels and permissions, database files, start-up checks and the request deadline.

use serde_json::json;

use super::common::{self, TestApp, post_json};
use super::{APIS, exec, manifest, rows, run, runtime_config, start};

#[test]
fn labels_are_enforced_and_the_twin_has_no_access() {
    let f = start();
    for api in APIS {
        let denied = json!({ "open": { "error": "access-denied" } });
        // Configured, but not listed by the component.
        let out = run(&f.app, "/allowed", api, "hidden", json!([]));
        assert_eq!(out, vec![denied.clone()], "{api}");
        // Neither configured nor listed: still only "access denied", as in Spin.
        let out = run(&f.app, "/allowed", api, "nowhere", json!([]));
        assert_eq!(out, vec![denied.clone()], "{api}");
        // The twin lists no databases at all.
        let out = run(
            &f.app,
            "/denied",
            api,
            "default",
            json!([exec("SELECT 1", json!([]))]),
        );
        assert_eq!(out, vec![denied], "{api}");
        let out = run(
            &f.app,
            "/allowed",
            api,
            "default",
            json!([exec("SELECT 1 AS one", json!([]))]),
        );
        assert_eq!(rows(&out[0]), &json!([[{ "int": 1 }]]), "{api}");
    }
}

#[test]
fn default_database_is_a_wal_file_in_the_state_directory_created_on_first_use() {
    let f = start();
    let file = f.app.dir.path().join(".spin").join("sqlite_db.db");
    assert!(!file.exists(), "created before first use");
    run(
        &f.app,
        "/allowed",
        "v3",
        "default",
        json!([
            exec("CREATE TABLE kept (v TEXT)", json!([])),
            exec("INSERT INTO kept VALUES ('written by v3')", json!([])),
        ]),
    );
    let db = rusqlite::Connection::open(&file).expect("the default database is a SQLite file");
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let kept: String = db
        .query_row("SELECT v FROM kept", [], |r| r.get(0))
        .expect("row written by the guest");
    assert_eq!(kept, "written by v3");
    // Later requests, through the older interfaces, see the same data.
    for api in ["v2", "v1"] {
        let out = run(
            &f.app,
            "/allowed",
            api,
            "default",
            json!([exec("SELECT v FROM kept", json!([]))]),
        );
        assert_eq!(
            rows(&out[0]),
            &json!([[{ "text": "written by v3" }]]),
            "{api}"
        );
    }
}

#[test]
fn a_configured_label_uses_its_path_relative_to_the_runtime_config() {
    let f = start();
    let out = run(
        &f.app,
        "/allowed",
        "v2",
        "archive",
        json!([
            exec(
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)",
                json!([])
            ),
            exec(
                "INSERT INTO orders (total) VALUES (?)",
                json!([{ "int": 1999 }])
            ),
        ]),
    );
    assert!(out[1].get("error").is_none(), "{}", out[1]);
    let file = f.app.dir.path().join("data").join("archive.db");
    let db = rusqlite::Connection::open(&file).expect("archive file");
    let total: i64 = db
        .query_row("SELECT total FROM orders", [], |r| r.get(0))
        .expect("order row");
    assert_eq!(total, 1999);
    // A different database from `default`.
    let out = run(
        &f.app,
        "/allowed",
        "v2",
        "default",
        json!([exec("SELECT * FROM orders", json!([]))]),
    );
    assert_eq!(out[0]["error"], "io", "{}", out[0]);
}

#[test]
fn an_unusable_database_file_is_an_io_error_not_a_trap() {
    let f = start();
    for api in APIS {
        let out = run(
            &f.app,
            "/allowed",
            api,
            "broken",
            json!([exec("SELECT 1", json!([]))]),
        );
        assert_eq!(out.len(), 1, "{api}: {out:?}");
        assert_eq!(out[0]["open"]["error"], "io", "{api}: {}", out[0]);
        let message = out[0]["open"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("`broken` cannot be opened"),
            "{api}: {message}"
        );
        assert!(
            !message.contains(&*f.broken.path().to_string_lossy()),
            "host paths stay in the log: {message}"
        );
    }
}

#[test]
fn start_up_fails_for_an_undefined_label_or_an_unsupported_type() {
    let undefined = manifest().replace(
        "sqlite_databases = [\"default\", \"archive\", \"broken\"]",
        "sqlite_databases = [\"default\", \"ledger\"]",
    );
    let output = TestApp::try_start(common::AppSpec::new(
        env!("CARGO_BIN_EXE_redshop"),
        undefined,
    ))
    .err()
    .expect("must not start");
    assert!(
        output.contains("component `allowed`") && output.contains("unknown label \"ledger\""),
        "{output}"
    );

    let mut spec = common::AppSpec::new(env!("CARGO_BIN_EXE_redshop"), manifest());
    spec.runtime_config = Some(
        "[sqlite_database.archive]\ntype = \"libsql\"\nurl = \"https://db.example\"\ntoken = \"t0ken\"\n",
    );
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(output.contains("`libsql` is not supported"), "{output}");
    assert!(!output.contains("t0ken"), "{output}");
}

#[test]
fn a_statement_running_past_the_deadline_is_interrupted_and_its_lock_released() {
    let broken = tempfile::tempdir().expect("tempdir");
    let rc = runtime_config(broken.path());
    let mut spec = common::AppSpec::new(env!("CARGO_BIN_EXE_redshop"), manifest());
    spec.runtime_config = Some(&rc);
    spec.host_config = Some("[limits]\nrequest_timeout_ms = 1000\n");
    let app = TestApp::start(spec);
    run(
        &app,
        "/allowed",
        "v3",
        "default",
        json!([exec("CREATE TABLE after (v INTEGER)", json!([]))]),
    );
    // Takes the write lock, then never finishes on its own.
    let (status, _) = post_json(
        &app.url("/allowed"),
        &json!({ "api": "v3", "db": "default", "ops": [
            exec("BEGIN IMMEDIATE", json!([])),
            exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", json!([])),
        ]}),
    );
    assert_eq!(status, 504);
    // Had the statement kept running, its transaction would hold the write lock for good
    // and this insert would fail with "database is locked" once the busy timeout ran out.
    let out = run(
        &app,
        "/allowed",
        "v3",
        "default",
        json!([exec("INSERT INTO after VALUES (1)", json!([]))]),
    );
    assert!(out[0].get("error").is_none(), "{}", out[0]);
}
