//! PostgreSQL for every component: `spin:postgres/postgres@4.0.0` behind a [`Connection`]
//! whose `query` is safe on every Spin release the shop supports.
//!
//! Spin 4.0.0–4.0.2 never answer a synchronous `query` whose result has no rows
//! (spinframework/spin#3671); [`guard`] explains the remedy and how to remove it. Every
//! component opens its database through this type, so the remedy lives in one place and a
//! statement cannot reach Spin's `query` without it.

#![expect(
    clippy::result_large_err,
    reason = "the error is spin-sdk's `pg4::Error`, returned as the host gave it; spin-sdk allows the same lint for it"
)]

mod guard;
mod scan;

pub use guard::{Plan, plan, unwrap_rows};
pub use spin_sdk::pg4::{Column, DbValue, ParameterValue, PgError, QueryError, RowSet};

/// One open connection (one pooled server session in the host, held until dropped).
pub struct Connection {
    inner: spin_sdk::pg4::Connection,
}

impl Connection {
    /// Opens `address` (a `postgres://` URL the component's `allowed_outbound_hosts` grants).
    pub fn open(address: &str) -> Result<Self, PgError> {
        spin_sdk::pg4::Connection::open(address).map(|inner| Self { inner })
    }

    /// Runs a statement and returns its rows: none, or all of them in the statement's order.
    ///
    /// A row-returning statement goes to the host's `query` guarded so that it always
    /// yields a row (see [`guard`]); a statement that returns no rows at all (`UPDATE`
    /// without `RETURNING`, `SET`, `LOCK`, …) goes to `execute` and gives an empty set.
    pub fn query(&self, statement: &str, params: &[ParameterValue]) -> Result<RowSet, PgError> {
        match plan(statement) {
            Plan::Guarded(sql) => {
                let mut set = self.inner.query(&sql, params)?;
                unwrap_rows(&mut set.columns, &mut set.rows, |v| {
                    matches!(v, DbValue::DbNull)
                });
                Ok(set)
            }
            Plan::AlwaysRows => self.inner.query(statement, params),
            Plan::NoRows => {
                self.inner.execute(statement, params)?;
                Ok(RowSet {
                    columns: Vec::new(),
                    rows: Vec::new(),
                })
            }
        }
    }

    /// Runs a statement for its effect and returns the number of rows it touched. Never
    /// waits for rows, so it needs no guard.
    pub fn execute(&self, statement: &str, params: &[ParameterValue]) -> Result<u64, PgError> {
        self.inner.execute(statement, params)
    }
}
