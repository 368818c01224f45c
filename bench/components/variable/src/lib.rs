//! The variable benchmark guest: answers with the Spin variable `greeting`.
//!
//! Against the trivial component it shows what one `spin:variables` lookup costs per
//! request (template expansion and the provider chain run on the host side).

// `#[http_component]` expands to the export glue (`export_name`, `unsafe` ABI shims)
// that the workspace-wide `unsafe_code = "deny"` would reject; this crate has none of its own.
#![allow(unsafe_code)]

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let greeting = spin_sdk::variables::get("greeting")?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(greeting)
        .build())
}
