//! Red Shopping's product service domain: catalog, search and stock.
//!
//! The Spin component adapts HTTP and Postgres to this crate and holds no rules of its own.
//! The rules it relies on:
//!
//! - **Everything is parsed at the edge.** Request DTOs become commands via `TryFrom`; query
//!   strings become a [`query::ListQuery`]. Every failure is a [`error::DomainError`] carrying a
//!   stable `code()` and an HTTP `status()`.
//! - **SQL is data.** [`sql`] builds parameterized statements ([`sql::Stmt`]); user values are
//!   only ever parameters, never SQL text. Results come back as rows of [`sql::SqlValue`] and are
//!   decoded here, so the component is a dumb executor.
//! - **Stock never goes negative.** `available = on_hand - reserved` is checked by conditional
//!   updates under row locks and by CHECK constraints. Reservations are all-or-nothing across
//!   lines and idempotent per order id ([`sql::stock`]).
//! - **Listings are keyset-paginated** with an opaque, integrity-checked cursor bound to the
//!   query that produced it.
//! - **Schema is versioned** in [`migrations::MIGRATIONS`]; [`seed`] makes deterministic demo and
//!   benchmark catalogs.

pub mod domain;
pub mod error;
pub mod migrations;
pub mod query;
pub mod seed;
pub mod sql;
