//! The chaining benchmark guest: forwards each request once to the private trivial
//! component through `http://trivial-private.spin.internal/` and relays its body.
//!
//! Compared with the trivial component on the same host, the difference is the cost of
//! one service-chaining hop: a second instantiation plus the in-process dispatch.

// `#[http_component]` expands to the export glue (`export_name`, `unsafe` ABI shims)
// that the workspace-wide `unsafe_code = "deny"` would reject; this crate has none of its own.
#![allow(unsafe_code)]

use spin_sdk::http::{IntoResponse, Method, Request, Response};
use spin_sdk::http_component;

/// The private component's address; the host dispatches `*.spin.internal` in-process.
const UPSTREAM: &str = "http://trivial-private.spin.internal/";

#[http_component]
async fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let upstream: Response = spin_sdk::http::send(Request::new(Method::Get, UPSTREAM)).await?;
    Ok(Response::builder()
        .status(*upstream.status())
        .header("content-type", "text/plain")
        .body(upstream.into_body())
        .build())
}
