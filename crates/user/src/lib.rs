//! Red Shopping's user service rules: accounts, passwords, sessions, addresses, password
//! resets and the events they publish, as plain Rust (no spin-sdk), tested natively.
//!
//! The Spin component (`components/user`) adapts HTTP, PostgreSQL and Redis to this crate
//! and decides nothing itself. What this crate decides:
//!
//! - **Input is parsed at the edge** into newtypes ([`email::Email`], [`password::Password`],
//!   [`profile::DisplayName`], [`address::AddressFields`]); request DTOs become commands with
//!   `TryFrom`, and every rejection is a [`error::UserError`] with a stable code and status.
//! - **Passwords** are hashed with Argon2id at OWASP's parameters ([`hash`]); an unknown
//!   email costs one hash too, so it cannot be told from a wrong password by timing.
//! - **Sessions** live in Redis ([`session`]): the key layout of docs/contracts.md, refresh
//!   tokens that rotate on every use, and reuse detection that ends the session.
//! - **Throttling** of failed sign-ins per account and per client address ([`throttle`]).
//! - **SQL is data** ([`sql`]): parameterized statements and row decoders; the component
//!   executes them. The schema is versioned in [`migrations`].
//! - **Events** go through an outbox in the same transaction as the change ([`event`]).
//!
//! Time and randomness are always passed in, so every rule is deterministic under test.

pub mod address;
pub mod commands;
pub mod cookie;
pub mod email;
pub mod error;
pub mod event;
pub mod hash;
pub mod migrations;
pub mod password;
pub mod profile;
pub mod secret;
pub mod session;
pub mod sql;
pub mod throttle;

pub use redshop_token::Role;
