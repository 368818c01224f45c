//! Test fixture: runs the Redis commands or key-value operations a test sends it and
//! reports each result or error as the guest sees it (Rust `Debug` of the WIT values).

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

use serde_json::{Value, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::key_value::Store;
use spin_sdk::redis::{Connection, RedisParameter};

/// Body: `{"redis": "<address>", "ops": [["set","k","v"], ...]}` or
/// `{"kv": "<label>", "ops": [["get","k"], ...]}`.
#[http_component]
fn handle(req: Request) -> Response {
    let body: Value = serde_json::from_slice(req.body()).unwrap_or(Value::Null);
    let ops = body["ops"].as_array().cloned().unwrap_or_default();
    let results = if let Some(address) = body["redis"].as_str() {
        match Connection::open(address) {
            Ok(conn) => ops.iter().map(|op| redis_op(&conn, op)).collect(),
            Err(e) => vec![format!("open: {e:?}")],
        }
    } else if let Some(label) = body["kv"].as_str() {
        match Store::open(label) {
            Ok(store) => ops.iter().map(|op| kv_op(&store, op)).collect(),
            Err(e) => vec![format!("open: {e:?}")],
        }
    } else {
        vec!["bad test request".to_owned()]
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(json!({ "results": results }).to_string())
        .build()
        .into_response()
}

fn s(op: &Value, i: usize) -> String {
    op[i].as_str().unwrap_or_default().to_owned()
}

fn list(op: &Value, i: usize) -> Vec<String> {
    op[i]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn redis_op(conn: &Connection, op: &Value) -> String {
    match op[0].as_str().unwrap_or_default() {
        "set" => format!("{:?}", conn.set(&s(op, 1), &s(op, 2).into_bytes())),
        "get" => format!(
            "{:?}",
            conn.get(&s(op, 1))
                .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
        ),
        "incr" => format!("{:?}", conn.incr(&s(op, 1))),
        "del" => format!("{:?}", conn.del(&list(op, 1))),
        "sadd" => format!("{:?}", conn.sadd(&s(op, 1), &list(op, 2))),
        "smembers" => format!(
            "{:?}",
            conn.smembers(&s(op, 1)).map(|mut m| {
                m.sort();
                m
            })
        ),
        "srem" => format!("{:?}", conn.srem(&s(op, 1), &list(op, 2))),
        "publish" => format!("{:?}", conn.publish(&s(op, 1), &s(op, 2).into_bytes())),
        "execute" => {
            let args: Vec<RedisParameter> = list(op, 2)
                .into_iter()
                .map(|a| RedisParameter::Binary(a.into_bytes()))
                .collect();
            format!("{:?}", conn.execute(&s(op, 1), &args))
        }
        other => format!("unknown op {other}"),
    }
}

fn kv_op(store: &Store, op: &Value) -> String {
    match op[0].as_str().unwrap_or_default() {
        "set" => format!("{:?}", store.set(&s(op, 1), s(op, 2).as_bytes())),
        "get" => format!(
            "{:?}",
            store
                .get(&s(op, 1))
                .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
        ),
        "exists" => format!("{:?}", store.exists(&s(op, 1))),
        "delete" => format!("{:?}", store.delete(&s(op, 1))),
        "keys" => format!(
            "{:?}",
            store.get_keys().map(|mut k| {
                k.sort();
                k
            })
        ),
        other => format!("unknown op {other}"),
    }
}
