//! The Redis benchmark guest: one `GET` per request through `fermyon:spin/redis`,
//! answering the value.
//!
//! Address and key come from the Spin variables `redis_url` and `redis_key`, so the bench
//! can use its own key prefix (`SPIN_VARIABLE_REDIS_KEY`) and delete it afterwards. The
//! native peer's `/redis` route reads the same key.

// `#[http_component]` expands to the export glue (`export_name`, `unsafe` ABI shims)
// that the workspace-wide `unsafe_code = "deny"` would reject; this crate has none of its own.
#![allow(unsafe_code)]

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::redis::Connection;

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let url = spin_sdk::variables::get("redis_url")?;
    let key = spin_sdk::variables::get("redis_key")?;
    let conn = Connection::open(&url)?;
    match conn.get(&key)? {
        Some(value) => Ok(Response::builder()
            .status(200)
            .header("content-type", "text/plain")
            .body(value)
            .build()),
        None => Ok(Response::builder()
            .status(404)
            .body(format!("no value at {key}"))
            .build()),
    }
}
