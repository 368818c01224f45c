//! `spin:postgres/postgres@4.0.0` against the real PostgreSQL on this machine: every type
//! round-trips, transactions are real, connections are pooled, permissions are checked
//! before connecting, and an outage gives errors (not hangs) and recovers.

mod common;

use std::time::{Duration, Instant};

use common::services::{Relay, TestDb, psql};
use common::{TestApp, post_json};
use serde_json::{Value, json};

fn manifest(allowed: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "pg"
[[trigger.http]]
route = "/pg"
component = "pg"
[[trigger.http]]
route = "/denied"
component = "denied"
[component.pg]
source = "{{{{pg}}}}"
allowed_outbound_hosts = ["postgres://{allowed}"]
[component.denied]
source = "{{{{pg}}}}"
[[trigger.http]]
route = "/probe/..."
component = "probe"
[component.probe]
source = "{{{{probe}}}}"
"#
    )
}

fn start(allowed: &str) -> TestApp {
    let m = manifest(allowed);
    TestApp::start(common::spec(&m))
}

fn run(app: &TestApp, path: &str, address: &str, steps: Value) -> Value {
    let (status, out) = post_json(
        &app.url(path),
        &json!({ "address": address, "steps": steps }),
    );
    assert_eq!(status, 200, "{out}");
    out
}

/// A cell or column type without the `DbValue::`/`DbDataType::` prefix of its `Debug`.
fn plain(v: &Value) -> String {
    let s = v.as_str().unwrap_or_default();
    s.strip_prefix("DbValue::")
        .or_else(|| s.strip_prefix("DbDataType::"))
        .unwrap_or(s)
        .to_owned()
}

fn q(sql: &str, params: Value) -> Value {
    json!({ "sql": sql, "params": params, "mode": "query" })
}

fn x(sql: &str, params: Value) -> Value {
    json!({ "sql": sql, "params": params, "mode": "execute" })
}

#[test]
fn every_type_round_trips() {
    let db = TestDb::create();
    let app = start("127.0.0.1:5432");
    let address = db.address("127.0.0.1:5432");
    // (column type, parameter, what the guest reads back)
    let cases: Vec<(&str, Value, &str)> = vec![
        ("boolean", json!({"boolean": true}), "Boolean(true)"),
        ("\"char\"", json!({"int8": -5}), "Int8(-5)"),
        ("int2", json!({"int16": -300}), "Int16(-300)"),
        ("int4", json!({"int32": 70000}), "Int32(70000)"),
        ("int8", json!({"int64": 5000000000i64}), "Int64(5000000000)"),
        ("float4", json!({"floating32": 1.5}), "Floating32(1.5)"),
        ("float8", json!({"floating64": 2.25}), "Floating64(2.25)"),
        ("text", json!({"str": "héllo"}), "Str(\"héllo\")"),
        (
            "bytea",
            json!({"binary": [0, 1, 255]}),
            "Binary([0, 1, 255])",
        ),
        (
            "date",
            json!({"date": [2026, 11, 26]}),
            "Date((2026, 11, 26))",
        ),
        (
            "time",
            json!({"time": [13, 45, 30, 500_000]}),
            "Time((13, 45, 30, 500000))",
        ),
        (
            "timestamp",
            json!({"datetime": [2026, 11, 26, 13, 45, 30, 0]}),
            "Datetime((2026, 11, 26, 13, 45, 30, 0))",
        ),
        (
            "timestamptz",
            json!({"timestamp": 1_700_000_000}),
            "Datetime((2023, 11, 14, 22, 13, 20, 0))",
        ),
        (
            "uuid",
            json!({"uuid": "6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11"}),
            "Uuid(\"6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11\")",
        ),
        (
            "jsonb",
            json!({"jsonb": "{\"a\":1}"}),
            "Jsonb([123, 34, 97, 34, 58, 49, 125])",
        ),
        (
            "numeric",
            json!({"decimal": "1234.5678"}),
            "Decimal(\"1234.5678\")",
        ),
        (
            "int4range",
            json!({"range-int32": [[1, "inclusive"], [10, "exclusive"]]}),
            "RangeInt32((Some((1, RangeBoundKind::Inclusive)), Some((10, RangeBoundKind::Exclusive))))",
        ),
        (
            "int8range",
            json!({"range-int64": [null, [7, "exclusive"]]}),
            "RangeInt64((None, Some((7, RangeBoundKind::Exclusive))))",
        ),
        (
            "numrange",
            json!({"range-decimal": [["1.5", "inclusive"], ["2.5", "inclusive"]]}),
            "RangeDecimal((Some((\"1.5\", RangeBoundKind::Inclusive)), Some((\"2.5\", RangeBoundKind::Inclusive))))",
        ),
        (
            "int4[]",
            json!({"array-int32": [1, null, 3]}),
            "ArrayInt32([Some(1), None, Some(3)])",
        ),
        (
            "int8[]",
            json!({"array-int64": [5000000000i64]}),
            "ArrayInt64([Some(5000000000)])",
        ),
        (
            "numeric[]",
            json!({"array-decimal": ["1.10", null]}),
            "ArrayDecimal([Some(\"1.10\"), None])",
        ),
        (
            "text[]",
            json!({"array-str": ["a", null]}),
            "ArrayStr([Some(\"a\"), None])",
        ),
        (
            "interval",
            json!({"interval": {"micros": 1500000, "days": 2, "months": 3}}),
            "Interval(Interval { micros: 1500000, days: 2, months: 3 })",
        ),
    ];
    let columns: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (ty, _, _))| format!("c{i} {ty}"))
        .collect();
    let placeholders: Vec<String> = (1..=cases.len()).map(|i| format!("${i}")).collect();
    let params: Vec<Value> = cases.iter().map(|(_, p, _)| p.clone()).collect();
    let nulls: Vec<Value> = cases.iter().map(|_| Value::Null).collect();
    let out = run(
        &app,
        "/pg",
        &address,
        json!([
            x(
                &format!("CREATE TABLE every_type ({})", columns.join(", ")),
                json!([])
            ),
            x(
                &format!(
                    "INSERT INTO every_type VALUES ({})",
                    placeholders.join(", ")
                ),
                json!(params)
            ),
            x(
                &format!(
                    "INSERT INTO every_type VALUES ({})",
                    placeholders.join(", ")
                ),
                json!(nulls)
            ),
            q("SELECT * FROM every_type ORDER BY c3 NULLS LAST", json!([])),
        ]),
    );
    let results = out["results"].as_array().expect("results");
    assert_eq!(results[1]["affected"], 1, "{out}");
    let rows = results[3]["rows"].as_array().expect("rows");
    for (i, (ty, _, expected)) in cases.iter().enumerate() {
        assert_eq!(plain(&rows[0][i]), *expected, "column {ty}");
        assert_eq!(plain(&rows[1][i]), "DbNull", "null {ty}");
    }
    assert_eq!(plain(&results[3]["columns"][12][1]), "Datetime");
    // An int32 parameter for a bigint column is widened rather than refused.
    let out = run(
        &app,
        "/pg",
        &address,
        json!([q("SELECT $1::int8 + 1", json!([{"int32": 41}]))]),
    );
    assert_eq!(plain(&out["results"][0]["rows"][0][0]), "Int64(42)");
}

#[test]
fn errors_are_the_interfaces_variants() {
    let db = TestDb::create();
    let app = start("127.0.0.1:5432");
    let address = db.address("127.0.0.1:5432");
    let out = run(
        &app,
        "/pg",
        &address,
        json!([
            q("SELEC 1", json!([])),
            q("SELECT $1::int4", json!([{"str": "not a number"}])),
            x("SELECT $1::int4", json!([{"boolean": true}])),
            q("SELECT $1::int2", json!([{"int32": 100000}])),
        ]),
    );
    let r = &out["results"];
    assert!(
        r[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("QueryFailed(QueryError::DbError") && e.contains("42601")),
        "{out}"
    );
    assert!(
        r[1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Error::BadParameter")),
        "{out}"
    );
    assert!(
        r[2]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Error::ValueConversionFailed")),
        "{out}"
    );
    // An int32 too large for an int2 placeholder: the bad-parameter variant.
    assert!(
        r[3]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Error::BadParameter(")),
        "{out}"
    );
}

#[test]
fn transactions_commit_roll_back_and_never_leak() {
    let db = TestDb::create();
    psql(&db.name, "CREATE TABLE t (id int PRIMARY KEY)");
    let app = start("127.0.0.1:5432");
    let address = db.address("127.0.0.1:5432");
    let count = |app: &TestApp| {
        let out = run(
            app,
            "/pg",
            &address,
            json!([q("SELECT count(*)::int4 FROM t", json!([]))]),
        );
        plain(&out["results"][0]["rows"][0][0])
    };
    run(
        &app,
        "/pg",
        &address,
        json!([
            x("BEGIN", json!([])),
            x("INSERT INTO t VALUES (1)", json!([])),
            x("ROLLBACK", json!([]))
        ]),
    );
    assert_eq!(count(&app), "Int32(0)");
    run(
        &app,
        "/pg",
        &address,
        json!([
            x("BEGIN", json!([])),
            x("INSERT INTO t VALUES (2)", json!([])),
            x("COMMIT", json!([]))
        ]),
    );
    assert_eq!(count(&app), "Int32(1)");
    // A transaction left open when the instance ends is rolled back, and the pooled
    // connection comes back clean.
    run(
        &app,
        "/pg",
        &address,
        json!([
            x("BEGIN", json!([])),
            x("INSERT INTO t VALUES (3)", json!([]))
        ]),
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(count(&app), "Int32(1)");
    let stuck = psql(
        "postgres",
        &format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND state = 'idle in transaction'",
            db.name
        ),
    );
    assert_eq!(
        stuck[0].get::<_, i64>(0),
        0,
        "no connection left idle in a transaction"
    );
    // The same for a transaction aborted by an error.
    run(
        &app,
        "/pg",
        &address,
        json!([
            x("BEGIN", json!([])),
            x("INSERT INTO t VALUES (2)", json!([]))
        ]),
    );
    run(
        &app,
        "/pg",
        &address,
        json!([x("INSERT INTO t VALUES (4)", json!([]))]),
    );
    assert_eq!(count(&app), "Int32(2)");
}

#[test]
fn a_thousand_opens_reuse_pooled_connections() {
    let db = TestDb::create();
    let app = start("127.0.0.1:5432");
    let address = db.address("127.0.0.1:5432");
    let (_, out) = post_json(
        &app.url("/pg"),
        &json!({ "address": address, "opens": 1000, "steps": [q("SELECT 1", json!([]))] }),
    );
    assert_eq!(plain(&out["results"][0]["rows"][0][0]), "Int32(1)", "{out}");
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    let opened: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("redshop_postgres_connections_opened_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("metric");
    println!("physical connections opened over 1001 opens: {opened}");
    assert!(
        opened <= 2,
        "opened {opened} connections for 1001 sequential opens"
    );
}

#[test]
fn denied_address_is_an_error_and_nothing_connects() {
    let db = TestDb::create();
    let app = start("127.0.0.1:5432");
    let out = run(&app, "/denied", &db.address("127.0.0.1:5432"), json!([]));
    assert_eq!(
        out["open_error"],
        "Error::ConnectionFailed(\"address postgres://127.0.0.1:5432 is not permitted\")"
    );
    // Allowed host, other port: denied too.
    let out = run(&app, "/pg", &db.address("127.0.0.1:5433"), json!([]));
    assert!(
        out["open_error"]
            .as_str()
            .is_some_and(|e| e.contains("not permitted")),
        "{out}"
    );
    let metrics = common::send(ureq::get(&format!(
        "{}/metrics",
        app.admin.as_deref().expect("admin")
    )))
    .1;
    assert!(
        metrics.contains("redshop_postgres_connections_opened_total 0"),
        "{metrics}"
    );
}

#[test]
fn an_outage_gives_prompt_errors_and_recovers() {
    let db = TestDb::create();
    let relay = Relay::start("127.0.0.1:5432");
    let app = start(&relay.addr());
    let address = db.address(&relay.addr());
    let select = json!([q("SELECT 7", json!([]))]);
    assert_eq!(
        plain(&run(&app, "/pg", &address, select.clone())["results"][0]["rows"][0][0]),
        "Int32(7)"
    );

    relay.cut();
    let started = Instant::now();
    let out = run(&app, "/pg", &address, select.clone());
    assert!(
        out.get("open_error").is_some() || out["results"][0].get("error").is_some(),
        "{out}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "error came after {:?}",
        started.elapsed()
    );
    // Other routes keep being served meanwhile: a component route, which takes an
    // instance, not the built-in health check, which takes none.
    let (status, echo) = app.get_json("/probe/during-outage");
    assert_eq!(status, 200, "{echo}");
    assert_eq!(
        common::header(&echo, "spin-path-info"),
        Some("/during-outage")
    );

    relay.restore();
    let recovered = (0..5).any(|_| {
        let out = run(&app, "/pg", &address, select.clone());
        std::thread::sleep(Duration::from_millis(100));
        plain(&out["results"][0]["rows"][0][0]) == "Int32(7)"
    });
    assert!(recovered, "no success after the server came back");
}
