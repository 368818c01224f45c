//! PostgreSQL statements as data, and decoders for their rows.
//!
//! Every value that came from a request is a parameter ([`Stmt::params`]); the SQL text is
//! constant, and each placeholder carries the cast that matches its [`SqlValue`] variant. The
//! component maps parameters 1:1 to Spin's `pg4` values, runs each statement with `query`,
//! and maps result columns back (integers → `Int64`, text → `Text`, …). Timestamps are
//! selected as Unix milliseconds (`*_ms`, `int8`) or as RFC 3339 text, never as `timestamptz`
//! values, so no decoder depends on how a host renders dates.
//!
//! Write sequences that must commit together are returned as `Vec<Stmt>`; the component runs
//! them between `BEGIN` and `COMMIT` on one connection.

pub mod cart;
pub mod keys;
pub mod orders;
pub mod outbox;

use crate::error::{OrderError, Result};

/// A value bound to a placeholder, or read from a result column.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int64(i64),
    Text(String),
    /// Canonical UUID text; bind as `uuid`.
    Uuid(String),
    /// JSON document text; bind as `jsonb`.
    Jsonb(String),
}

/// A result row.
pub type Row = Vec<SqlValue>;

/// One parameterized statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub sql: &'static str,
    pub params: Vec<SqlValue>,
}

impl Stmt {
    pub(crate) fn new(sql: &'static str, params: Vec<SqlValue>) -> Self {
        Self { sql, params }
    }
}

/// A trivial statement for health checks.
pub fn ping() -> Stmt {
    Stmt::new("SELECT 1::int8", Vec::new())
}

pub(crate) fn text(v: impl Into<String>) -> SqlValue {
    SqlValue::Text(v.into())
}

pub(crate) fn uuid(v: impl ToString) -> SqlValue {
    SqlValue::Uuid(v.to_string())
}

pub(crate) fn opt_text(v: Option<&str>) -> SqlValue {
    v.map_or(SqlValue::Null, |s| SqlValue::Text(s.to_owned()))
}

pub(crate) fn json(v: &serde_json::Value) -> SqlValue {
    SqlValue::Jsonb(v.to_string())
}

/// Typed access to a row's columns, with errors that name the column.
pub(crate) struct Cols<'a>(&'a [SqlValue]);

impl<'a> Cols<'a> {
    pub(crate) fn new(row: &'a [SqlValue], expected: usize) -> Result<Self> {
        if row.len() < expected {
            return Err(OrderError::Storage(format!(
                "row has {} columns, expected {expected}",
                row.len()
            )));
        }
        Ok(Self(row))
    }

    pub(crate) fn int(&self, i: usize, name: &str) -> Result<i64> {
        match &self.0[i] {
            SqlValue::Int64(v) => Ok(*v),
            other => Err(bad(name, other)),
        }
    }

    pub(crate) fn text(&self, i: usize, name: &str) -> Result<String> {
        match &self.0[i] {
            SqlValue::Text(v) | SqlValue::Uuid(v) | SqlValue::Jsonb(v) => Ok(v.clone()),
            other => Err(bad(name, other)),
        }
    }

    pub(crate) fn opt_text(&self, i: usize, name: &str) -> Result<Option<String>> {
        match &self.0[i] {
            SqlValue::Null => Ok(None),
            _ => self.text(i, name).map(Some),
        }
    }

    pub(crate) fn opt_int(&self, i: usize, name: &str) -> Result<Option<i64>> {
        match &self.0[i] {
            SqlValue::Null => Ok(None),
            _ => self.int(i, name).map(Some),
        }
    }

    pub(crate) fn json(&self, i: usize, name: &str) -> Result<serde_json::Value> {
        let raw = self.text(i, name)?;
        serde_json::from_str(&raw).map_err(|e| OrderError::Storage(format!("column {name}: {e}")))
    }

    pub(crate) fn bool(&self, i: usize, name: &str) -> Result<bool> {
        match &self.0[i] {
            SqlValue::Bool(v) => Ok(*v),
            other => Err(bad(name, other)),
        }
    }
}

fn bad(name: &str, got: &SqlValue) -> OrderError {
    OrderError::Storage(format!("column {name}: unexpected value {got:?}"))
}

/// The single row a statement must return.
pub(crate) fn single<'a>(rows: &'a [Row], what: &str) -> Result<&'a Row> {
    match rows {
        [row] => Ok(row),
        _ => Err(OrderError::Storage(format!(
            "{what}: expected one row, got {}",
            rows.len()
        ))),
    }
}

/// Interprets a PostgreSQL error the client could have caused; everything else is storage.
pub fn from_sqlstate(code: &str, constraint: Option<&str>, message: &str) -> OrderError {
    match (code, constraint) {
        // A cart line pushed past its bound by two concurrent adds.
        ("23514", Some("cart_lines_quantity_check")) => {
            OrderError::InvalidQuantity("the cart would hold more than 99 of this product".into())
        }
        _ => OrderError::Storage(format!("{code}: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_and_name_themselves_in_errors() {
        let row = vec![
            SqlValue::Int64(3),
            SqlValue::Null,
            SqlValue::Text("x".into()),
        ];
        let c = Cols::new(&row, 3).unwrap();
        assert_eq!(c.int(0, "n").unwrap(), 3);
        assert_eq!(c.opt_text(1, "t").unwrap(), None);
        let err = c.int(2, "count").unwrap_err();
        assert!(err.to_string().contains("count"), "{err}");
        assert!(Cols::new(&row, 4).is_err());
    }

    #[test]
    fn only_the_quantity_bound_is_a_client_error() {
        assert_eq!(
            from_sqlstate("23514", Some("cart_lines_quantity_check"), "x").status(),
            400
        );
        assert_eq!(
            from_sqlstate("23505", Some("orders_pkey"), "x").status(),
            500
        );
    }
}
