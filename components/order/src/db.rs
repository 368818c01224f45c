//! Spin's Postgres (`spin:postgres/postgres@4.0.0` through [`redshop_edge::pg`], safe from
//! Spin 4.0's zero-row hang) as the domain crate's statement executor.
//!
//! The domain crate builds every statement and decodes every row; this module only moves
//! values across and runs `BEGIN`/`COMMIT`/`ROLLBACK`. A connection is opened per step and
//! dropped before any chained call: a checkout that held a pooled connection while waiting
//! for the product service (which needs one from the same pool) could starve the pool under
//! load and deadlock the host.

use redshop_edge::pg::{Connection, DbValue, ParameterValue, PgError, QueryError};
use redshop_order::error::OrderError;
use redshop_order::sql::{Row, SqlValue, Stmt, from_sqlstate};

use crate::config::{DB_URL_VARIABLE, variable};

pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens the database named by the `db_url` variable. Both failures (no variable, server
    /// down) are the operator's, so both are internal.
    pub fn open() -> Result<Self, OrderError> {
        let url = variable(DB_URL_VARIABLE).map_err(OrderError::Storage)?;
        let conn = Connection::open(&url)
            .map_err(|e| OrderError::Storage(format!("open postgres: {e:?}")))?;
        Ok(Self { conn })
    }

    pub fn query(&self, stmt: &Stmt) -> Result<Vec<Row>, OrderError> {
        let params: Vec<ParameterValue> = stmt.params.iter().map(parameter).collect();
        let set = self.conn.query(stmt.sql, &params).map_err(failed)?;
        set.rows
            .into_iter()
            .map(|row| row.into_iter().map(value).collect())
            .collect()
    }

    /// Runs several statements in order, returning each one's rows.
    pub fn run_all(&self, stmts: &[Stmt]) -> Result<Vec<Vec<Row>>, OrderError> {
        stmts.iter().map(|s| self.query(s)).collect()
    }

    fn control(&self, sql: &str) -> Result<(), OrderError> {
        self.conn.execute(sql, &[]).map(|_| ()).map_err(failed)
    }

    /// Runs `work` inside `BEGIN … COMMIT`; an error rolls back (the host also rolls back
    /// whatever a guest leaves open).
    pub fn transaction<T, E: From<OrderError>>(
        &self,
        work: impl FnOnce(&Self) -> Result<T, E>,
    ) -> Result<T, E> {
        self.control("BEGIN")?;
        match work(self) {
            Ok(out) => {
                self.control("COMMIT")?;
                Ok(out)
            }
            Err(e) => {
                // The work's own error matters more than a failed rollback.
                let _ = self.control("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Opens a connection, runs one statement, and lets the connection go.
pub fn query(stmt: &Stmt) -> Result<Vec<Row>, OrderError> {
    Db::open()?.query(stmt)
}

/// A server error carries a SQLSTATE the domain can read; anything else (a lost connection,
/// a parameter the host could not convert) is a storage failure.
fn failed(e: PgError) -> OrderError {
    match e {
        PgError::QueryFailed(QueryError::DbError(db)) => {
            let constraint = db
                .extras
                .iter()
                .find(|(k, _)| k == "constraint")
                .map(|(_, v)| v.as_str());
            from_sqlstate(&db.code, constraint, &db.message)
        }
        other => OrderError::Storage(format!("postgres: {other:?}")),
    }
}

fn parameter(v: &SqlValue) -> ParameterValue {
    match v {
        SqlValue::Null => ParameterValue::DbNull,
        SqlValue::Bool(b) => ParameterValue::Boolean(*b),
        SqlValue::Int64(i) => ParameterValue::Int64(*i),
        SqlValue::Text(s) => ParameterValue::Str(s.clone()),
        SqlValue::Uuid(s) => ParameterValue::Uuid(s.clone()),
        SqlValue::Jsonb(s) => ParameterValue::Jsonb(s.clone().into_bytes()),
    }
}

/// Result values back into the domain's vocabulary. The statements select only booleans,
/// integers, text, uuid and jsonb; anything else means the schema drifted.
fn value(v: DbValue) -> Result<SqlValue, OrderError> {
    Ok(match v {
        DbValue::DbNull => SqlValue::Null,
        DbValue::Boolean(b) => SqlValue::Bool(b),
        DbValue::Int8(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int16(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int32(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int64(i) => SqlValue::Int64(i),
        DbValue::Str(s) => SqlValue::Text(s),
        DbValue::Uuid(s) => SqlValue::Uuid(s),
        DbValue::Jsonb(bytes) => SqlValue::Jsonb(
            String::from_utf8(bytes)
                .map_err(|_| OrderError::Storage("jsonb column is not UTF-8".into()))?,
        ),
        other => {
            return Err(OrderError::Storage(format!(
                "unexpected column value {other:?}"
            )));
        }
    })
}
