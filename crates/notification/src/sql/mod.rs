//! PostgreSQL statements as data, the executor the component supplies, and row decoding.
//!
//! **Parameters only.** Every value from an event or a request is a [`SqlValue`] in
//! [`Stmt::params`]; the SQL text is constant fragments and `$n` placeholders, each cast to
//! the type of its value (`$1::uuid`, `$2::text`, `$3::int8`) so the server infers exactly
//! what the component binds.
//!
//! **The component is an executor.** It implements [`Executor`] over Spin's Postgres (one
//! connection per message or request, so `BEGIN … COMMIT` is a real transaction); the
//! procedures in [`crate::consume`] and the statements here decide everything else, and the
//! unit tests drive them with a scripted executor.

pub mod feed;
pub mod inbox;
pub mod mailbox;

use crate::error::{DomainError, Result};

/// A value bound to a placeholder, or read from a result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int64(i64),
    Text(String),
    /// Canonical UUID text; bound as `uuid`.
    Uuid(String),
}

/// One parameterized statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// One result row, columns in SELECT order.
pub type Row = Vec<SqlValue>;

/// Runs statements on one connection. Implemented by the component over Spin's Postgres and
/// by the tests' script. A server error is a [`DomainError::Storage`] naming the SQLSTATE.
pub trait Executor {
    /// Runs one statement and returns its rows (none for a statement without `RETURNING`).
    fn query(&self, stmt: &Stmt) -> Result<Vec<Row>>;
    /// Runs a parameterless control statement: `BEGIN …`, `COMMIT`, `ROLLBACK`.
    fn control(&self, sql: &str) -> Result<()>;
}

/// Runs `work` between `begin` and `COMMIT`, or `ROLLBACK` when it fails. The work's own
/// error matters more than a failed rollback, and the host rolls back whatever a guest
/// leaves open, so a rollback error is dropped.
pub fn transaction<E: Executor, T>(
    db: &E,
    begin: &str,
    work: impl FnOnce() -> Result<Transaction<T>>,
) -> Result<T> {
    db.control(begin)?;
    match work() {
        Ok(Transaction::Commit(value)) => {
            db.control("COMMIT")?;
            Ok(value)
        }
        Ok(Transaction::Rollback(value)) => {
            db.control("ROLLBACK")?;
            Ok(value)
        }
        Err(e) => {
            let _ = db.control("ROLLBACK");
            Err(e)
        }
    }
}

/// How a transaction's work ends when nothing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transaction<T> {
    Commit(T),
    /// Nothing to keep (a duplicate delivery): undo and answer `T`.
    Rollback(T),
}

/// `BEGIN` for writes: READ COMMITTED is enough, as every decision is taken by a unique
/// constraint or a row lock, never by an earlier read.
pub const BEGIN: &str = "BEGIN";
/// `BEGIN` for a read of several statements that must agree (a page, its unread count and
/// the feed version behind its ETag).
pub const BEGIN_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Collects parameters and hands out typed placeholders, numbered in push order.
#[derive(Debug, Default)]
pub(crate) struct Binder {
    params: Vec<SqlValue>,
}

impl Binder {
    fn push(&mut self, value: SqlValue, cast: &str) -> String {
        self.params.push(value);
        format!("${}::{cast}", self.params.len())
    }

    pub(crate) fn text(&mut self, v: &str) -> String {
        self.push(SqlValue::Text(v.to_owned()), "text")
    }

    pub(crate) fn opt_text(&mut self, v: Option<&str>) -> String {
        self.push(
            v.map_or(SqlValue::Null, |s| SqlValue::Text(s.to_owned())),
            "text",
        )
    }

    pub(crate) fn int(&mut self, v: i64) -> String {
        self.push(SqlValue::Int64(v), "int8")
    }

    pub(crate) fn opt_int(&mut self, v: Option<i64>) -> String {
        self.push(v.map_or(SqlValue::Null, SqlValue::Int64), "int8")
    }

    pub(crate) fn uuid(&mut self, v: &impl std::fmt::Display) -> String {
        self.push(SqlValue::Uuid(v.to_string()), "uuid")
    }

    pub(crate) fn opt_uuid(&mut self, v: Option<&impl std::fmt::Display>) -> String {
        self.push(
            v.map_or(SqlValue::Null, |id| SqlValue::Uuid(id.to_string())),
            "uuid",
        )
    }

    pub(crate) fn finish(self, sql: String) -> Stmt {
        Stmt {
            sql,
            params: self.params,
        }
    }
}

/// Typed access to the columns of one row, with errors naming the column.
pub(crate) struct Cols<'a> {
    row: &'a [SqlValue],
}

impl<'a> Cols<'a> {
    pub(crate) fn new(row: &'a [SqlValue], expected: usize) -> Result<Self> {
        if row.len() == expected {
            Ok(Self { row })
        } else {
            Err(DomainError::Storage(format!(
                "row has {} columns, expected {expected}",
                row.len()
            )))
        }
    }

    fn get(&self, i: usize) -> &'a SqlValue {
        self.row.get(i).unwrap_or(&SqlValue::Null)
    }

    fn wrong(&self, i: usize, want: &str) -> DomainError {
        DomainError::Storage(format!(
            "column {i}: expected {want}, got {:?}",
            self.get(i)
        ))
    }

    pub(crate) fn text(&self, i: usize) -> Result<&'a str> {
        match self.get(i) {
            SqlValue::Text(s) | SqlValue::Uuid(s) => Ok(s),
            _ => Err(self.wrong(i, "text")),
        }
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<&'a str>> {
        match self.get(i) {
            SqlValue::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        match self.get(i) {
            SqlValue::Int64(v) => Ok(*v),
            _ => Err(self.wrong(i, "integer")),
        }
    }

    pub(crate) fn bool(&self, i: usize) -> Result<bool> {
        match self.get(i) {
            SqlValue::Bool(v) => Ok(*v),
            _ => Err(self.wrong(i, "boolean")),
        }
    }

    /// A stored id, re-parsed: one that no longer parses is a storage error, never a 400.
    pub(crate) fn id<T>(&self, i: usize, parse: fn(&str) -> Result<T>) -> Result<T> {
        parse(self.text(i)?).map_err(|e| DomainError::Storage(format!("column {i}: {e}")))
    }

    pub(crate) fn opt_id<T>(&self, i: usize, parse: fn(&str) -> Result<T>) -> Result<Option<T>> {
        match self.get(i) {
            SqlValue::Null => Ok(None),
            _ => self.id(i, parse).map(Some),
        }
    }
}

/// The single integer of a one-row, one-column answer (`count(*)`, a version).
pub fn decode_single_int(rows: &[Row]) -> Result<i64> {
    match rows {
        [row] => Cols::new(row, 1)?.int(0),
        _ => Err(DomainError::Storage(format!(
            "expected one row, got {}",
            rows.len()
        ))),
    }
}

/// Unix milliseconds of a `timestamptz` column, as an `int8` expression.
pub(crate) fn epoch_ms(column: &str) -> String {
    format!("(extract(epoch FROM {column}) * 1000)::int8")
}

#[cfg(test)]
pub(crate) mod testing;
