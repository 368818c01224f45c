//! Test fixture: runs the Postgres statements a test sends it, on one connection, and
//! reports every result and error as the guest sees them (Rust `Debug` of the WIT values).
//! With `"via": "edge"` the statements go through `redshop_edge::pg`, the helper every shop
//! component uses, instead of spin-sdk's connection.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

use serde_json::{Value, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::pg4::{Connection, Interval, ParameterValue as P, PgError, RangeBoundKind, RowSet};

/// The connection the statements run on: spin-sdk's own, or the shop's edge helper.
enum Conn {
    Raw(Connection),
    Edge(redshop_edge::pg::Connection),
}

#[expect(
    clippy::result_large_err,
    reason = "spin-sdk's `pg4::Error`, passed on as the host gave it"
)]
impl Conn {
    fn open(address: &str, edge: bool) -> Result<Self, PgError> {
        Ok(if edge {
            Self::Edge(redshop_edge::pg::Connection::open(address)?)
        } else {
            Self::Raw(Connection::open(address)?)
        })
    }

    fn query(&self, sql: &str, params: &[P]) -> Result<RowSet, PgError> {
        match self {
            Self::Raw(c) => c.query(sql, params),
            Self::Edge(c) => c.query(sql, params),
        }
    }

    fn execute(&self, sql: &str, params: &[P]) -> Result<u64, PgError> {
        match self {
            Self::Raw(c) => c.execute(sql, params),
            Self::Edge(c) => c.execute(sql, params),
        }
    }
}

/// Body: `{"address": "...", "via": "edge"?, "opens": N, "steps": [{"sql": "...", "params": [...], "mode": "query"|"execute"}]}`.
#[http_component]
fn handle(req: Request) -> Response {
    let body: Value = match serde_json::from_slice(req.body()) {
        Ok(v) => v,
        Err(e) => return reply(400, json!({ "error": format!("bad test request: {e}") })),
    };
    let address = body["address"].as_str().unwrap_or_default();
    // `opens`: open and drop this many connections first (pool reuse).
    for _ in 0..body["opens"].as_u64().unwrap_or(0) {
        if let Err(e) = Connection::open(address) {
            return reply(200, json!({ "open_error": format!("{e:?}") }));
        }
    }
    let conn = match Conn::open(address, body["via"] == "edge") {
        Ok(c) => c,
        Err(e) => return reply(200, json!({ "open_error": format!("{e:?}") })),
    };
    let mut results = Vec::new();
    for step in body["steps"].as_array().cloned().unwrap_or_default() {
        let sql = step["sql"].as_str().unwrap_or_default();
        let params: Result<Vec<P>, String> = step["params"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(param)
            .collect();
        let params = match params {
            Ok(p) => p,
            Err(e) => return reply(400, json!({ "error": e })),
        };
        let result = if step["mode"] == "execute" {
            match conn.execute(sql, &params) {
                Ok(n) => json!({ "affected": n }),
                Err(e) => json!({ "error": format!("{e:?}") }),
            }
        } else {
            match conn.query(sql, &params) {
                Ok(set) => json!({
                    "columns": set.columns.iter().map(|c| json!([c.name, format!("{:?}", c.data_type)])).collect::<Vec<_>>(),
                    "rows": set.rows.iter().map(|r| r.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>()).collect::<Vec<_>>(),
                }),
                Err(e) => json!({ "error": format!("{e:?}") }),
            }
        };
        results.push(result);
    }
    reply(200, json!({ "results": results }))
}

fn param(v: &Value) -> Result<P, String> {
    if v.is_null() {
        return Ok(P::DbNull);
    }
    let (kind, x) = v
        .as_object()
        .and_then(|o| o.iter().next())
        .ok_or("param must be {type: value}")?;
    let int = || x.as_i64().ok_or(format!("{kind}: not an integer"));
    let num = || x.as_f64().ok_or(format!("{kind}: not a number"));
    let text = || {
        x.as_str()
            .map(str::to_owned)
            .ok_or(format!("{kind}: not a string"))
    };
    let ints = || -> Result<Vec<i64>, String> {
        x.as_array()
            .ok_or("not a list")?
            .iter()
            .map(|n| n.as_i64().ok_or("not an integer".to_owned()))
            .collect()
    };
    let conv = |e: std::num::TryFromIntError| e.to_string();
    Ok(match kind.as_str() {
        "boolean" => P::Boolean(x.as_bool().ok_or("not a bool")?),
        "int8" => P::Int8(int()?.try_into().map_err(conv)?),
        "int16" => P::Int16(int()?.try_into().map_err(conv)?),
        "int32" => P::Int32(int()?.try_into().map_err(conv)?),
        "int64" => P::Int64(int()?),
        "floating32" => P::Floating32(num()? as f32),
        "floating64" => P::Floating64(num()?),
        "str" => P::Str(text()?),
        "binary" => P::Binary(ints()?.into_iter().map(|b| b as u8).collect()),
        "date" => {
            let d = ints()?;
            P::Date((d[0] as i32, d[1] as u8, d[2] as u8))
        }
        "time" => {
            let t = ints()?;
            P::Time((t[0] as u8, t[1] as u8, t[2] as u8, t[3] as u32))
        }
        "datetime" => {
            let t = ints()?;
            P::Datetime((
                t[0] as i32,
                t[1] as u8,
                t[2] as u8,
                t[3] as u8,
                t[4] as u8,
                t[5] as u8,
                t[6] as u32,
            ))
        }
        "timestamp" => P::Timestamp(int()?),
        "uuid" => P::Uuid(text()?),
        "jsonb" => P::Jsonb(text()?.into_bytes()),
        "decimal" => P::Decimal(text()?),
        "range-int32" => {
            let (lo, hi) = range(x)?;
            P::RangeInt32((
                lo.map(|(v, k)| (v.as_i64().unwrap_or(0) as i32, k)),
                hi.map(|(v, k)| (v.as_i64().unwrap_or(0) as i32, k)),
            ))
        }
        "range-int64" => {
            let (lo, hi) = range(x)?;
            P::RangeInt64((
                lo.map(|(v, k)| (v.as_i64().unwrap_or(0), k)),
                hi.map(|(v, k)| (v.as_i64().unwrap_or(0), k)),
            ))
        }
        "range-decimal" => {
            let (lo, hi) = range(x)?;
            let s = |v: Value| v.as_str().unwrap_or_default().to_owned();
            P::RangeDecimal((lo.map(|(v, k)| (s(v), k)), hi.map(|(v, k)| (s(v), k))))
        }
        "array-int32" => P::ArrayInt32(
            x.as_array()
                .ok_or("not a list")?
                .iter()
                .map(|n| n.as_i64().map(|n| n as i32))
                .collect(),
        ),
        "array-int64" => P::ArrayInt64(
            x.as_array()
                .ok_or("not a list")?
                .iter()
                .map(Value::as_i64)
                .collect(),
        ),
        "array-decimal" => P::ArrayDecimal(
            x.as_array()
                .ok_or("not a list")?
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect(),
        ),
        "array-str" => P::ArrayStr(
            x.as_array()
                .ok_or("not a list")?
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect(),
        ),
        "interval" => P::Interval(Interval {
            micros: x["micros"].as_i64().unwrap_or(0),
            days: x["days"].as_i64().unwrap_or(0) as i32,
            months: x["months"].as_i64().unwrap_or(0) as i32,
        }),
        other => return Err(format!("unknown param type {other}")),
    })
}

type End = Option<(Value, RangeBoundKind)>;

fn range(x: &Value) -> Result<(End, End), String> {
    let ends = x.as_array().ok_or("range must be [lower, upper]")?;
    let end = |e: &Value| -> End {
        let pair = e.as_array()?;
        let kind = if pair.get(1)? == "inclusive" {
            RangeBoundKind::Inclusive
        } else {
            RangeBoundKind::Exclusive
        };
        Some((pair.first()?.clone(), kind))
    };
    Ok((ends.first().and_then(end), ends.get(1).and_then(end)))
}

fn reply(status: u16, body: Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
        .into_response()
}
