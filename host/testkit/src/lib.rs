//! The harness for tests that run `redshop`: build guest components from source, write
//! a manifest into a temporary app directory, run the real binary on a free port, talk to
//! it over HTTP, and give each test its own database, Redis keys and cuttable relays.

#![allow(unsafe_code, reason = "sending signals to child processes")]

mod app;
mod build;
mod http;
pub mod pg_cluster;
pub mod services;
mod spin;
pub mod wit;

pub use app::{AppSpec, INHERITED_ENV, Runtime, TestApp};
pub use build::{build_guest_workspace, build_wasm, redshop_binary, target_dir, workspace_dir};
pub use http::{header, header_values, post_json, send, send_body, upstream};
pub use spin::{SPIN_VARIABLE, spin_binary};
