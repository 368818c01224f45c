//! Spin's Postgres (`spin:postgres/postgres@4.0.0` through [`redshop_edge::pg`], safe from
//! Spin 4.0's zero-row hang) as the domain crate's statement executor.
//!
//! The domain crate builds every statement ([`Stmt`]) and decodes every row; this module only
//! moves values across: [`SqlValue`] ⇄ `pg4` values, one `query` per statement, `BEGIN`/
//! `COMMIT`/`ROLLBACK` through `execute`. A server error is interpreted once, with
//! [`DomainError::from_sqlstate`] (duplicate slug → 409, unknown category → 400, …); anything
//! else the database does wrong is a `storage_error`, which the edge turns into a bare 500.
//!
//! One request holds one connection: a transaction plan (reserve, release, commit) must run
//! all its statements on the connection that said `BEGIN`, and the host keeps a guest's
//! connection on one pooled server session until it is dropped.

use std::cell::RefCell;

use redshop_edge::pg::{Connection, DbValue, ParameterValue, PgError, QueryError};
use redshop_product::error::DomainError;
use redshop_product::sql::{Row, SqlValue, Stmt, TxPlan, run_plan};

use crate::config::{DB_URL_VARIABLE, TX_ATTEMPTS};
use crate::error::ApiError;

/// SQLSTATEs after which the whole transaction may simply run again: `serialization_failure`
/// and `deadlock_detected` (PostgreSQL docs, "Serialization Failure Handling").
const RETRYABLE_SQLSTATES: [&str; 2] = ["40001", "40P01"];

/// Starts a consistent read: every statement sees the same snapshot, so a listing's page,
/// total and facets describe the same rows even while stock and prices change.
const BEGIN_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// One open connection for the duration of a request.
pub struct Db {
    conn: Connection,
    /// SQLSTATE of the most recent failed statement: lets the retry loop tell a deadlock
    /// victim from a rule violation, both of which the domain maps to a 409.
    last_sqlstate: RefCell<Option<String>>,
}

impl Db {
    /// Opens the database named by the `db_url` variable. Both failures are the operator's
    /// (a manifest without the variable, a server that is down), so both are internal.
    pub fn open() -> Result<Self, ApiError> {
        let url = spin_sdk::variables::get(DB_URL_VARIABLE)
            .map_err(|e| ApiError::internal(format!("variable `{DB_URL_VARIABLE}`: {e:?}")))?;
        let conn = Connection::open(&url)
            .map_err(|e| ApiError::internal(format!("open postgres: {e:?}")))?;
        Ok(Self {
            conn,
            last_sqlstate: RefCell::new(None),
        })
    }

    /// Runs one statement and converts its rows.
    pub fn query(&self, stmt: &Stmt) -> Result<Vec<Row>, DomainError> {
        let params: Vec<ParameterValue> = stmt.params.iter().map(parameter).collect();
        let set = self
            .conn
            .query(&stmt.sql, &params)
            .map_err(|e| self.failed(&e))?;
        set.rows
            .into_iter()
            .map(|row| row.into_iter().map(value).collect())
            .collect()
    }

    /// Runs `BEGIN`, `COMMIT`, `ROLLBACK` or another parameterless control statement.
    fn control(&self, sql: &str) -> Result<(), DomainError> {
        self.conn
            .execute(sql, &[])
            .map(|_| ())
            .map_err(|e| self.failed(&e))
    }

    /// Interprets a failed call. A server error carries a SQLSTATE (and maybe a constraint
    /// name) that the domain knows how to read; anything else — a lost connection, a
    /// parameter the host could not convert — is a storage failure, never the client's fault.
    fn failed(&self, e: &PgError) -> DomainError {
        match e {
            PgError::QueryFailed(QueryError::DbError(db)) => {
                self.last_sqlstate.replace(Some(db.code.clone()));
                let constraint = db
                    .extras
                    .iter()
                    .find(|(k, _)| k == "constraint")
                    .map(|(_, v)| v.as_str());
                let message = db
                    .detail
                    .as_deref()
                    .map_or_else(|| db.message.clone(), |d| format!("{}: {d}", db.message));
                DomainError::from_sqlstate(&db.code, constraint, &message)
            }
            other => {
                self.last_sqlstate.replace(None);
                DomainError::Storage(format!("postgres: {other:?}"))
            }
        }
    }

    fn last_failure_was_retryable(&self) -> bool {
        self.last_sqlstate
            .borrow()
            .as_deref()
            .is_some_and(|s| RETRYABLE_SQLSTATES.contains(&s))
    }

    /// Runs a transaction plan (`BEGIN`, its statements, `COMMIT` or `ROLLBACK`) with the
    /// domain crate's driver, again from the start if PostgreSQL aborted it as a deadlock
    /// victim or serialization failure, at most [`TX_ATTEMPTS`] times. No pause between
    /// attempts: the transaction that won already holds its locks and finishes in
    /// milliseconds, so waiting would only add latency.
    pub fn transaction<P: TxPlan + Clone>(&self, plan: &P) -> Result<P::Output, DomainError> {
        let mut attempt = 1;
        loop {
            self.last_sqlstate.replace(None);
            let mut fresh = plan.clone();
            let outcome = run_plan(
                &mut fresh,
                |stmt| self.query(stmt),
                |word| self.control(word),
            );
            match outcome {
                Err(e) if attempt < TX_ATTEMPTS && self.last_failure_was_retryable() => {
                    eprintln!(
                        "product: attempt {attempt} of a stock transaction aborted, retrying: {e}"
                    );
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Runs `read` inside one read-only snapshot transaction.
    pub fn snapshot<T>(
        &self,
        read: impl FnOnce(&Self) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.control(BEGIN_SNAPSHOT)?;
        match read(self) {
            Ok(out) => {
                self.control("COMMIT")?;
                Ok(out)
            }
            Err(e) => {
                // The read's own error matters more than a failed rollback; the host also
                // rolls back whatever a guest leaves open.
                let _ = self.control("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// The domain's parameter values, 1:1 (the statements cast each placeholder to its type).
fn parameter(v: &SqlValue) -> ParameterValue {
    match v {
        SqlValue::Null => ParameterValue::DbNull,
        SqlValue::Bool(b) => ParameterValue::Boolean(*b),
        SqlValue::Int64(i) => ParameterValue::Int64(*i),
        SqlValue::Float64(f) => ParameterValue::Floating64(*f),
        SqlValue::Text(s) => ParameterValue::Str(s.clone()),
        SqlValue::Uuid(s) => ParameterValue::Uuid(s.clone()),
        SqlValue::Jsonb(s) => ParameterValue::Jsonb(s.clone().into_bytes()),
    }
}

/// Result values back into the domain's vocabulary. The statements select only booleans,
/// integers, floats, text, uuid and jsonb; anything else means the schema drifted.
fn value(v: DbValue) -> Result<SqlValue, DomainError> {
    Ok(match v {
        DbValue::DbNull => SqlValue::Null,
        DbValue::Boolean(b) => SqlValue::Bool(b),
        DbValue::Int8(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int16(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int32(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int64(i) => SqlValue::Int64(i),
        DbValue::Floating32(f) => SqlValue::Float64(f64::from(f)),
        DbValue::Floating64(f) => SqlValue::Float64(f),
        DbValue::Str(s) => SqlValue::Text(s),
        DbValue::Uuid(s) => SqlValue::Uuid(s),
        DbValue::Jsonb(bytes) => SqlValue::Jsonb(
            String::from_utf8(bytes)
                .map_err(|_| DomainError::Storage("jsonb column is not UTF-8".into()))?,
        ),
        other => {
            return Err(DomainError::Storage(format!(
                "unexpected column value {other:?}"
            )));
        }
    })
}
