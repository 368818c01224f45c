//! The Postgres benchmark guest: one one-row `SELECT` per request through `spin:postgres`
//! (spin-sdk's `pg4`), answering the row's text.
//!
//! The address comes from the Spin variable `pg_url` so that the bench can point it at
//! the throw-away database it creates (`SPIN_VARIABLE_PG_URL`). The native peer's `/pg`
//! route runs the same statement, so the two p50s compare the host's database path
//! (connection handling, value conversion, the component boundary) with plain
//! tokio-postgres.

// `#[http_component]` expands to the export glue (`export_name`, `unsafe` ABI shims)
// that the workspace-wide `unsafe_code = "deny"` would reject; this crate has none of its own.
#![allow(unsafe_code)]

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::pg4::{Connection, Decode};

/// The statement both this component and the native peer run; `bench/run.py` creates
/// the table with exactly one row.
const QUERY: &str = "SELECT body FROM bench_item WHERE id = $1";

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let url = spin_sdk::variables::get("pg_url")?;
    let db = Connection::open(&url)?;
    let rows = db.query(QUERY, &[1i32.into()])?;
    let body = match rows.rows.first().and_then(|row| row.first()) {
        Some(value) => String::decode(value)?,
        None => anyhow::bail!("bench_item has no row with id 1"),
    };
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(body)
        .build())
}
