//! Spin's application model as plain Rust, for the `redshop` host.
//!
//! `redshop` runs unmodified Spin applications, so everything the user writes
//! (`spin.toml`, `runtime-config.toml`) must be read with Spin's rules: the same
//! inputs are accepted, the same routes win, the same headers reach the guest.
//! This crate holds those rules and nothing else — no wasmtime, no I/O beyond
//! reading a file — so they can be tested in isolation and reviewed against
//! Spin's sources. Each module names the Spin source whose behaviour it mirrors.
//!
//! Where redshop deliberately differs (unsupported features, stricter types),
//! the difference is an explicit error with a message naming what to change.

// Tests may unwrap: a panic is the failure report.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod headers;
pub mod host_config;
pub mod host_config_services;
mod ids;
pub mod manifest;
pub mod outbound;
pub mod routes;
pub mod runtime_config;
mod secret;
pub mod template;

pub use headers::{is_spin_internal_host, spin_headers};
pub use host_config::HostConfig;
pub use manifest::{Manifest, ManifestError};
pub use outbound::{AllowedHosts, ChainingTargets, OutboundError};
pub use routes::{RouteError, RouteMatch, Router};
pub use runtime_config::{RuntimeConfig, RuntimeConfigError};
pub use secret::{Secret, SecretUrl};
pub use template::{Template, TemplateError};
