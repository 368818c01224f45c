//! The trivial benchmark guest: a fixed 13-byte body and nothing else.
//!
//! It imports only what `#[http_component]` needs (wasi:http plus the wasi:cli basics
//! Rust's std pulls in), so the very same `.wasm` also runs on `wasmtime serve`. That
//! makes it the yardstick for the host's per-request overhead against plain wasmtime
//! and against a native hyper server answering the same bytes.

// `#[http_component]` expands to the export glue (`export_name`, `unsafe` ABI shims)
// that the workspace-wide `unsafe_code = "deny"` would reject; this crate has none of its own.
#![allow(unsafe_code)]

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;

/// The body every trivial peer (redshop, `wasmtime serve`, native hyper) answers.
const BODY: &str = "Hello, world!";

#[http_component]
fn handle(_req: Request) -> impl IntoResponse {
    Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(BODY)
        .build()
}
