//! The edge every Red Shopping component shares: the code between spin-sdk and a service's
//! domain crate that would otherwise be written once per component and drift apart.
//!
//! The domain crates under `crates/` stay free of spin-sdk; this crate is the one place that
//! knows both sides.
//!
//! - [`body`]: request bodies read as they stream, capped, with or without
//!   `Content-Length`.
//! - [`pg`]: PostgreSQL through `spin:postgres/postgres@4.0.0`, with the remedy for Spin
//!   4.0.0–4.0.2's synchronous `query`, which never returns a result without rows
//!   (spinframework/spin#3671).

pub mod body;
pub mod pg;
