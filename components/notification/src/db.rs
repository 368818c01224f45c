//! Spin's Postgres (`spin:postgres/postgres@4.0.0` through [`redshop_edge::pg`], safe from
//! Spin 4.0's zero-row hang) as the domain crate's [`Executor`].
//!
//! Values move across 1:1 (every placeholder is cast to its value's type); a server error
//! becomes a storage error naming its SQLSTATE. One message or request holds one
//! connection, so the consumer's `BEGIN … COMMIT` is a real transaction: the host keeps a
//! guest's connection on one pooled server session until it is dropped, and rolls back
//! anything a guest leaves open.

use redshop_edge::pg::{Connection, DbValue, ParameterValue, PgError, QueryError};
use redshop_notification::error::{DomainError, Result};
use redshop_notification::sql::{Executor, Row, SqlValue, Stmt};

use crate::config::DB_URL_VARIABLE;

/// One open connection.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens the database named by the `db_url` variable. Both failures are the operator's
    /// (a missing variable, a server that is down), never a caller's.
    pub fn open() -> Result<Self> {
        let url = spin_sdk::variables::get(DB_URL_VARIABLE)
            .map_err(|e| DomainError::Storage(format!("variable `{DB_URL_VARIABLE}`: {e:?}")))?;
        let conn = Connection::open(&url)
            .map_err(|e| DomainError::Storage(format!("open postgres: {e:?}")))?;
        Ok(Self { conn })
    }
}

impl Executor for Db {
    fn query(&self, stmt: &Stmt) -> Result<Vec<Row>> {
        let params: Vec<ParameterValue> = stmt.params.iter().map(parameter).collect();
        let set = self.conn.query(&stmt.sql, &params).map_err(failed)?;
        set.rows
            .into_iter()
            .map(|row| row.into_iter().map(value).collect())
            .collect()
    }

    fn control(&self, sql: &str) -> Result<()> {
        self.conn.execute(sql, &[]).map(|_| ()).map_err(failed)
    }
}

/// A failed call, for the log: the SQLSTATE and message when the server answered.
fn failed(e: PgError) -> DomainError {
    match e {
        PgError::QueryFailed(QueryError::DbError(db)) => {
            DomainError::Storage(format!("sqlstate {}: {}", db.code, db.message))
        }
        other => DomainError::Storage(format!("postgres: {other:?}")),
    }
}

fn parameter(v: &SqlValue) -> ParameterValue {
    match v {
        SqlValue::Null => ParameterValue::DbNull,
        SqlValue::Bool(b) => ParameterValue::Boolean(*b),
        SqlValue::Int64(i) => ParameterValue::Int64(*i),
        SqlValue::Text(s) => ParameterValue::Str(s.clone()),
        SqlValue::Uuid(s) => ParameterValue::Uuid(s.clone()),
    }
}

/// The statements select only booleans, integers, text and uuids; anything else means the
/// schema drifted.
fn value(v: DbValue) -> Result<SqlValue> {
    Ok(match v {
        DbValue::DbNull => SqlValue::Null,
        DbValue::Boolean(b) => SqlValue::Bool(b),
        DbValue::Int8(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int16(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int32(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int64(i) => SqlValue::Int64(i),
        DbValue::Str(s) => SqlValue::Text(s),
        DbValue::Uuid(s) => SqlValue::Uuid(s),
        other => {
            return Err(DomainError::Storage(format!(
                "unexpected column value {other:?}"
            )));
        }
    })
}
