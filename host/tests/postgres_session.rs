//! Pooled Postgres connections are shared by every component that uses an address, so a
//! lease must start from a clean session: whatever one guest sets on its connection
//! (`search_path`, `ROLE`, `statement_timeout`, a prepared name, a temp table, an advisory
//! lock) must not reach the next guest, and the host's own statement cache must keep
//! working on the reset connection.

mod common;

use common::services::{TestDb, psql, unique};
use common::{TestApp, post_json};
use serde_json::{Value, json};

/// Two components on one address, and a pool of one connection, so the second lease is
/// the same physical connection as the first (the test checks the backend pid).
const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "pg-session"
[[trigger.http]]
route = "/first"
component = "first"
[[trigger.http]]
route = "/second"
component = "second"
[component.first]
source = "{{pg}}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
[component.second]
source = "{{pg}}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
"#;

const HOST_CONFIG: &str = r#"
[postgres]
max_connections = 1
statement_timeout_ms = 7000
"#;

fn q(sql: &str, params: Value) -> Value {
    json!({ "sql": sql, "params": params, "mode": "query" })
}

fn x(sql: &str) -> Value {
    json!({ "sql": sql, "params": [], "mode": "execute" })
}

fn run(app: &TestApp, path: &str, address: &str, steps: Value) -> Vec<Value> {
    let (status, out) = post_json(
        &app.url(path),
        &json!({ "address": address, "steps": steps }),
    );
    assert_eq!(status, 200, "{out}");
    out["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {out}"))
        .clone()
}

/// The first cell of a result, as the guest printed it, without the `DbValue::` prefix
/// (`Int32(1)`, `Str("x")`).
fn cell(result: &Value) -> String {
    let printed = result["rows"][0][0]
        .as_str()
        .unwrap_or_else(|| panic!("no rows: {result}"));
    printed
        .strip_prefix("DbValue::")
        .unwrap_or(printed)
        .to_owned()
}

/// A role that exists for one test (roles are global to the server).
struct TestRole(String);

impl TestRole {
    fn create() -> TestRole {
        let name = unique("redshop_role");
        psql("postgres", &format!("CREATE ROLE {name}"));
        TestRole(name)
    }
}

impl Drop for TestRole {
    fn drop(&mut self) {
        psql("postgres", &format!("DROP ROLE IF EXISTS {}", self.0));
    }
}

#[test]
fn session_state_never_leaks_to_the_next_lease() {
    let db = TestDb::create();
    let role = TestRole::create();
    let mut spec = common::spec(MANIFEST);
    spec.host_config = Some(HOST_CONFIG);
    let app = TestApp::start(spec);
    let address = db.address("127.0.0.1:5432");
    let cached = "SELECT $1::int4 + 1";

    let first = run(
        &app,
        "/first",
        &address,
        json!([
            q("SELECT pg_backend_pid()", json!([])),
            q(cached, json!([{"int32": 1}])),
            x("CREATE TEMP TABLE leaked_temp (id int)"),
            x("PREPARE leaked_statement AS SELECT 1"),
            q("SELECT pg_advisory_lock(4242)", json!([])),
            x("SET search_path = leaked_schema"),
            x("SET statement_timeout = 1234"),
            x(&format!("SET ROLE {}", role.0)),
            q("SELECT current_user::text", json!([])),
        ]),
    );
    let errors: Vec<&Value> = first.iter().filter(|r| r.get("error").is_some()).collect();
    assert!(errors.is_empty(), "setting up the leaks failed: {errors:?}");
    assert_eq!(
        cell(&first[8]),
        format!("Str(\"{}\")", role.0),
        "the role was set"
    );

    let second = run(
        &app,
        "/second",
        &address,
        json!([
            q("SELECT pg_backend_pid()", json!([])),
            q("SELECT current_user::text", json!([])),
            q("SELECT current_setting('search_path')", json!([])),
            q("SELECT current_setting('statement_timeout')", json!([])),
            q(
                "SELECT count(*)::int4 FROM pg_prepared_statements WHERE from_sql",
                json!([])
            ),
            q(
                "SELECT (to_regclass('pg_temp.leaked_temp') IS NULL)",
                json!([])
            ),
            q(
                "SELECT count(*)::int4 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
                json!([])
            ),
            // The statement the first lease prepared was forgotten with the session; the
            // host's cache forgot it too and prepares it again.
            q(cached, json!([{"int32": 41}])),
        ]),
    );
    assert_eq!(
        cell(&second[0]),
        cell(&first[0]),
        "both leases used the same physical connection"
    );
    assert_eq!(cell(&second[1]), "Str(\"postgres\")", "ROLE leaked");
    assert_eq!(
        cell(&second[2]),
        "Str(\"\\\"$user\\\", public\")",
        "search_path leaked"
    );
    assert_eq!(cell(&second[3]), "Str(\"7s\")", "statement_timeout leaked");
    assert_eq!(cell(&second[4]), "Int32(0)", "a prepared name leaked");
    assert_eq!(cell(&second[5]), "Boolean(true)", "a temp table leaked");
    assert_eq!(cell(&second[6]), "Int32(0)", "an advisory lock leaked");
    assert_eq!(cell(&second[7]), "Int32(42)", "the statement cache broke");
}

#[test]
fn a_transaction_the_host_did_not_see_begin_is_rolled_back_before_reuse() {
    let db = TestDb::create();
    psql(&db.name, "CREATE TABLE t (id int PRIMARY KEY)");
    let mut spec = common::spec(MANIFEST);
    spec.host_config = Some(HOST_CONFIG);
    let app = TestApp::start(spec);
    let address = db.address("127.0.0.1:5432");
    // `observe` does not see this BEGIN (a comment comes first), so only the reset between
    // leases can end the transaction.
    let first = run(
        &app,
        "/first",
        &address,
        json!([x("/* hidden */ BEGIN"), x("INSERT INTO t VALUES (1)")]),
    );
    assert!(first.iter().all(|r| r.get("error").is_none()), "{first:?}");
    let second = run(
        &app,
        "/second",
        &address,
        json!([x("INSERT INTO t VALUES (2)")]),
    );
    assert_eq!(second[0]["affected"], 1, "{second:?}");
    // The second insert committed on its own; the first was rolled back.
    let rows = psql(&db.name, "SELECT id FROM t ORDER BY id");
    let ids: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(ids, vec![2]);
}

#[test]
fn a_lease_left_in_a_failed_transaction_is_usable_again() {
    let db = TestDb::create();
    let mut spec = common::spec(MANIFEST);
    spec.host_config = Some(HOST_CONFIG);
    let app = TestApp::start(spec);
    let address = db.address("127.0.0.1:5432");
    let first = run(
        &app,
        "/first",
        &address,
        json!([x("/* hidden */ BEGIN"), q("SELECT 1/0", json!([]))]),
    );
    assert!(
        first[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("22012")),
        "division by zero: {first:?}"
    );
    let second = run(&app, "/second", &address, json!([q("SELECT 5", json!([]))]));
    assert_eq!(cell(&second[0]), "Int32(5)", "{second:?}");
}
