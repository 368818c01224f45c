//! Values, statements and errors, identically through the three interface versions.

use serde_json::{Value, json};

use super::{APIS, exec, rows, run, start};

#[test]
fn every_value_type_round_trips_through_every_version() {
    let f = start();
    // Extremes of each type, and the empty text and blob, which are not NULL.
    let values = json!([
        [{ "int": i64::MAX }, { "real": 1.5 }, { "text": "héllo ✓" }, { "blob": [0, 1, 254, 255] }, null],
        [{ "int": i64::MIN }, { "real": -2.5e300 }, { "text": "" }, { "blob": [] }, null],
        [{ "int": 0 }, { "real": 5e-324 }, { "text": "x'00'" }, { "blob": [0] }, null],
    ]);
    for api in APIS {
        let table = format!("every_{api}");
        let mut ops = vec![exec(
            &format!("CREATE TABLE {table} (i INTEGER, r REAL, t TEXT, b BLOB, n)"),
            json!([]),
        )];
        for row in values.as_array().expect("rows") {
            ops.push(exec(
                &format!("INSERT INTO {table} VALUES (?, ?, ?, ?, ?)"),
                row.clone(),
            ));
        }
        ops.push(exec(
            &format!("SELECT i, r, t, b, n, typeof(t), typeof(b) FROM {table} ORDER BY rowid"),
            json!([]),
        ));
        ops.push(exec(
            "SELECT ?2 - ?1 AS diff, ?3 AS same",
            json!([{ "int": 40 }, { "int": 42 }, null]),
        ));
        let out = run(&f.app, "/allowed", api, "default", json!(ops));
        assert_eq!(out[0]["rows"], json!([]), "{api}: {}", out[0]);
        let selected = &out[4];
        assert_eq!(
            selected["columns"],
            json!(["i", "r", "t", "b", "n", "typeof(t)", "typeof(b)"]),
            "{api}"
        );
        let expected: Vec<Value> = values
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| {
                let mut row = row.as_array().expect("row").clone();
                row.push(json!({ "text": "text" }));
                row.push(json!({ "text": "blob" }));
                json!(row)
            })
            .collect();
        assert_eq!(rows(selected), &json!(expected), "{api}");
        assert_eq!(out[5]["columns"], json!(["diff", "same"]), "{api}");
        assert_eq!(rows(&out[5]), &json!([[{ "int": 2 }, null]]), "{api}");
    }
}

#[test]
fn statement_errors_are_io_errors_and_the_connection_survives() {
    let f = start();
    for api in APIS {
        let table = format!("errs_{api}");
        let out = run(
            &f.app,
            "/allowed",
            api,
            "default",
            json!([
                exec("SELEC nonsense", json!([])),
                exec(
                    &format!("CREATE TABLE {table} (k TEXT PRIMARY KEY)"),
                    json!([])
                ),
                exec(
                    &format!("INSERT INTO {table} VALUES (?)"),
                    json!([{ "text": "a" }])
                ),
                exec(
                    &format!("INSERT INTO {table} VALUES (?)"),
                    json!([{ "text": "a" }])
                ),
                exec(&format!("INSERT INTO {table} VALUES (?)"), json!([])),
                exec("SELECT 1; SELECT 2", json!([])),
                exec("SELECT * FROM no_such_table", json!([])),
                exec("SELECT CAST(x'ff' AS TEXT)", json!([])),
                exec(&format!("SELECT count(*) FROM {table}"), json!([])),
            ]),
        );
        let io = |i: usize, needle: &str| {
            assert_eq!(out[i]["error"], "io", "{api} op {i}: {}", out[i]);
            let message = out[i]["message"].as_str().unwrap_or_default();
            assert!(message.contains(needle), "{api} op {i}: {message}");
        };
        io(0, "syntax error");
        io(3, "UNIQUE constraint failed");
        io(4, "parameter");
        io(5, "ultiple statements");
        io(6, "no such table");
        io(7, "not valid UTF-8");
        assert_eq!(rows(&out[8]), &json!([[{ "int": 1 }]]), "{api}");
    }
}

#[test]
fn v3_reports_changes_and_the_last_rowid() {
    let f = start();
    let out = run(
        &f.app,
        "/allowed",
        "v3",
        "default",
        json!([
            exec(
                "CREATE TABLE counted (id INTEGER PRIMARY KEY, v INTEGER)",
                json!([])
            ),
            exec(
                "INSERT INTO counted (id, v) VALUES (41, 1), (42, 2), (43, 3)",
                json!([])
            ),
            ["changes"],
            ["rowid"],
            exec("UPDATE counted SET v = v + 1 WHERE id >= 42", json!([])),
            ["changes"],
        ]),
    );
    assert_eq!(out[2], json!(3));
    assert_eq!(out[3], json!(43));
    assert_eq!(out[5], json!(2));
}

#[test]
fn v1_handles_close_and_a_closed_handle_is_invalid() {
    let f = start();
    let out = run(
        &f.app,
        "/allowed",
        "v1",
        "default",
        json!([
            exec("SELECT 'open' AS state", json!([])),
            ["close"],
            exec("SELECT 1", json!([]))
        ]),
    );
    assert_eq!(rows(&out[0]), &json!([[{ "text": "open" }]]));
    assert_eq!(out[1], "closed");
    assert_eq!(out[2], json!({ "error": "invalid-connection" }));
}

#[test]
fn attaching_other_files_is_refused_and_oversized_results_are_errors() {
    let f = start();
    let out = run(
        &f.app,
        "/allowed",
        "v3",
        "default",
        json!([
            exec("ATTACH DATABASE 'elsewhere.db' AS elsewhere", json!([])),
            exec("ATTACH DATABASE ':memory:' AS scratch", json!([])),
            exec("SELECT zeroblob(40000000)", json!([])),
            exec("SELECT length(zeroblob(40000000)) AS n", json!([])),
        ]),
    );
    assert_eq!(out[0]["error"], "io", "{}", out[0]);
    assert!(
        out[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not authorized"),
        "{}",
        out[0]
    );
    assert!(out[1].get("error").is_none(), "{}", out[1]);
    assert!(!f.app.dir.path().join("elsewhere.db").exists());
    assert_eq!(out[2]["error"], "io", "{}", out[2]);
    assert!(
        out[2]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("exceeds the limit"),
        "{}",
        out[2]
    );
    assert_eq!(rows(&out[3]), &json!([[{ "int": 40000000 }]]));
}
