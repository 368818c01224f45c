//! `redshop`: a Spin-compatible runtime for Red Shopping, built on wasmtime.
//!
//! It reads the same `spin.toml` and `runtime-config.toml` that real Spin reads and gives
//! guests what Spin gives them, so a component cannot tell the two apart. On top it adds
//! what a platform team needs: request deadlines, memory caps, metrics, health endpoints
//! kept off the app's listener, and a bounded graceful shutdown.
//!
//! Data flows one way: request → `trigger` → component instance → capability → server.
//! Each guest-facing capability lives in its own module with the same skeleton: its
//! state, its `add_to_linker`, its `Host` impl and its allow-list policy.

pub mod admin;
pub mod app;
pub mod app_files;
pub mod bindings;
pub mod cli;
pub mod core_module;
pub mod engine;
pub mod guest_log;
pub mod key_value;
pub mod metrics;
pub mod mqtt;
pub mod outbound_http;
pub mod outbound_redis;
pub mod postgres;
pub mod runtime;
pub mod services;
pub mod sockets;
pub mod sqlite;
pub mod trigger;
pub mod variables;
