// The old-SDK guest: one operation per path (below the route's wildcard), the same source for every SDK major (their
// `spin_sdk` APIs used here did not change between 3.x and 4.x). Each operation answers
// 200 with `{"ok": ...}` or, when a host call returns an error, `{"error": "..."}`: an
// error is the SDK's to surface, so a denied address shows here rather than as a trap.
//
// - `GET /hello`: which SDK built this guest.
// - `GET /variable`: the component variable `greeting`.
// - `POST /redis` `{"address", "key", "value"}`: set, then get.
// - `POST /kv` `{"store", "key", "value"}`: set, then get.
// - `POST /pg3` and `/pg2` `{"address", "table"}`: create a table, insert one row with a
//   parameter of every type the interface has, and read it back through a parameterised
//   query, through `spin_sdk::pg3` (`spin:postgres/postgres@3.0.0`) or `spin_sdk::pg`
//   (`fermyon:spin/postgres@2.0.0`).
// - `POST /http` `{"url"}`: an outbound GET; the status and body it got.

use serde_json::{json, Value};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: Request) -> Response {
    let body: Value = serde_json::from_slice(req.body()).unwrap_or(Value::Null);
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    let path = req
        .header("spin-path-info")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let outcome: Result<Value, String> = match path.as_str() {
        "/hello" => Ok(json!(SDK)),
        "/variable" => spin_sdk::variables::get("greeting")
            .map(Value::from)
            .map_err(|e| format!("{e:?}")),
        "/redis" => redis_set_get(&field("address"), &field("key"), &field("value")),
        "/kv" => kv_set_get(&field("store"), &field("key"), &field("value")),
        "/pg3" => pg3_round_trip(&field("address"), &field("table")),
        "/pg2" => pg2_round_trip(&field("address"), &field("table")),
        "/http" => outbound(&field("url")).await,
        other => {
            return Response::new(404, format!("no operation {other}"));
        }
    };
    let out = match outcome {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(out.to_string())
        .build()
}

fn redis_set_get(address: &str, key: &str, value: &str) -> Result<Value, String> {
    let conn = spin_sdk::redis::Connection::open(address).map_err(|e| format!("{e:?}"))?;
    conn.set(key, &value.as_bytes().to_vec())
        .map_err(|e| format!("{e:?}"))?;
    let got = conn.get(key).map_err(|e| format!("{e:?}"))?;
    Ok(json!(got.map(|v| String::from_utf8_lossy(&v).into_owned())))
}

fn kv_set_get(label: &str, key: &str, value: &str) -> Result<Value, String> {
    let store = spin_sdk::key_value::Store::open(label).map_err(|e| format!("{e:?}"))?;
    store
        .set(key, value.as_bytes())
        .map_err(|e| format!("{e:?}"))?;
    let got = store.get(key).map_err(|e| format!("{e:?}"))?;
    Ok(json!(got.map(|v| String::from_utf8_lossy(&v).into_owned())))
}

fn pg3_round_trip(address: &str, table: &str) -> Result<Value, String> {
    use spin_sdk::pg3::{Connection, ParameterValue as P};
    let db = Connection::open(address).map_err(|e| format!("{e:?}"))?;
    db.execute(
        &format!(
            "CREATE TABLE {table} (b boolean, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, \
             t text, by bytea, d date, tm time, dt timestamp, ts timestamptz, n text)"
        ),
        &[],
    )
    .map_err(|e| format!("{e:?}"))?;
    let inserted = db
        .execute(
            &format!(
                "INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ),
            &[
                P::Boolean(true),
                P::Int16(-300),
                P::Int32(70000),
                P::Int64(5_000_000_000),
                P::Floating32(1.5),
                P::Floating64(2.25),
                P::Str("héllo".into()),
                P::Binary(vec![0, 1, 255]),
                P::Date((2026, 12, 2)),
                P::Time((13, 45, 30, 500_000)),
                P::Datetime((2026, 12, 2, 13, 45, 30, 0)),
                P::Timestamp(1_700_000_000),
                P::DbNull,
            ],
        )
        .map_err(|e| format!("{e:?}"))?;
    let rows = db
        .query(
            &format!("SELECT * FROM {table} WHERE i4 = $1 AND t = $2"),
            &[P::Int32(70000), P::Str("héllo".into())],
        )
        .map_err(|e| format!("{e:?}"))?;
    Ok(json!({
        "inserted": inserted,
        "columns": rows.columns.iter().map(|c| format!("{}:{:?}", c.name, c.data_type)).collect::<Vec<_>>(),
        "rows": rows.rows.iter().map(|r| r.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>()).collect::<Vec<_>>(),
    }))
}

fn pg2_round_trip(address: &str, table: &str) -> Result<Value, String> {
    use spin_sdk::pg::{Connection, ParameterValue as P};
    let db = Connection::open(address).map_err(|e| format!("{e:?}"))?;
    db.execute(
        &format!(
            "CREATE TABLE {table} (b boolean, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, \
             t text, by bytea, n text)"
        ),
        &[],
    )
    .map_err(|e| format!("{e:?}"))?;
    let inserted = db
        .execute(
            &format!("INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
            &[
                P::Boolean(true),
                P::Int16(-300),
                P::Int32(70000),
                P::Int64(5_000_000_000),
                P::Floating32(1.5),
                P::Floating64(2.25),
                P::Str("héllo".into()),
                P::Binary(vec![0, 1, 255]),
                P::DbNull,
            ],
        )
        .map_err(|e| format!("{e:?}"))?;
    let rows = db
        .query(
            &format!("SELECT * FROM {table} WHERE i4 = $1 AND t = $2"),
            &[P::Int32(70000), P::Str("héllo".into())],
        )
        .map_err(|e| format!("{e:?}"))?;
    // Postgres has no unsigned integers: the interface's `uint*` parameters are refused.
    let unsigned = db
        .query("SELECT $1::int8", &[P::Uint64(7)])
        .map(|_| "accepted".to_owned())
        .unwrap_or_else(|e| format!("{e:?}"));
    Ok(json!({
        "inserted": inserted,
        "columns": rows.columns.iter().map(|c| format!("{}:{:?}", c.name, c.data_type)).collect::<Vec<_>>(),
        "rows": rows.rows.iter().map(|r| r.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "unsigned": unsigned,
    }))
}

async fn outbound(url: &str) -> Result<Value, String> {
    let request = Request::builder().method(Method::Get).uri(url).build();
    let response: Response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(json!({
        "status": response.status(),
        "body": String::from_utf8_lossy(response.body()),
    }))
}
