//! PostgreSQL statements as data, and decoders for their results.
//!
//! **Parameters only.** Every value that came from a request is a [`SqlValue`] in
//! [`Stmt::params`]; the SQL text is assembled from constant fragments and `$n` placeholders.
//! Each placeholder carries an explicit cast (`$3::uuid`, `$4::jsonb`, `$5::int8`) that matches
//! its `SqlValue` variant, so the server infers exactly the type the component binds.
//!
//! **Component contract.** Map parameters 1:1 to Spin's `pg4::ParameterValue`
//! (`Null→DbNull`, `Bool→Boolean`, `Int64→Int64`, `Float64→Floating64`, `Text→Str`,
//! `Uuid→Uuid`, `Jsonb→Jsonb(bytes)`), run every statement with `query` (all return rows), and
//! map result values back (`Int16/Int32/Int64→Int64`, `Floating32/64→Float64`, `Str→Text`,
//! `Uuid→Uuid`, `Jsonb→Jsonb`, `Boolean→Bool`, `DbNull→Null`). Decoders in this crate turn rows
//! into domain types. Multi-statement operations are [`TxPlan`]s: run them with [`run_plan`]'s
//! loop inside one `BEGIN … COMMIT` on one connection.

pub mod catalog;
pub mod listing;
pub mod plans;
mod row;
pub mod stock;

pub use row::{PRODUCT_COLUMNS, Row, decode_category, decode_product, decode_product_detail};

use crate::error::{DomainError, Result};

/// A value bound to a placeholder, or read from a result column.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int64(i64),
    Float64(f64),
    Text(String),
    /// Canonical UUID text; bind as `uuid`.
    Uuid(String),
    /// JSON document text; bind as `jsonb`.
    Jsonb(String),
}

/// One parameterized statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Stmt {
    /// A statement without parameters (constant SQL only).
    pub fn constant(sql: &str) -> Self {
        Self {
            sql: sql.to_string(),
            params: Vec::new(),
        }
    }
}

/// Collects parameters and hands out typed placeholders, numbered in push order.
#[derive(Debug, Default)]
pub(crate) struct Binder {
    params: Vec<SqlValue>,
}

impl Binder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, value: SqlValue, cast: &str) -> String {
        self.params.push(value);
        format!("${}::{cast}", self.params.len())
    }

    pub(crate) fn text(&mut self, v: &str) -> String {
        self.push(SqlValue::Text(v.to_string()), "text")
    }

    pub(crate) fn opt_text(&mut self, v: Option<&str>) -> String {
        self.push(
            v.map_or(SqlValue::Null, |s| SqlValue::Text(s.to_string())),
            "text",
        )
    }

    pub(crate) fn int(&mut self, v: i64) -> String {
        self.push(SqlValue::Int64(v), "int8")
    }

    pub(crate) fn opt_int(&mut self, v: Option<i64>) -> String {
        self.push(v.map_or(SqlValue::Null, SqlValue::Int64), "int8")
    }

    pub(crate) fn float(&mut self, v: f64) -> String {
        self.push(SqlValue::Float64(v), "float8")
    }

    pub(crate) fn bool(&mut self, v: bool) -> String {
        self.push(SqlValue::Bool(v), "bool")
    }

    pub(crate) fn opt_bool(&mut self, v: Option<bool>) -> String {
        self.push(v.map_or(SqlValue::Null, SqlValue::Bool), "bool")
    }

    pub(crate) fn uuid(&mut self, v: uuid::Uuid) -> String {
        self.push(SqlValue::Uuid(v.hyphenated().to_string()), "uuid")
    }

    pub(crate) fn jsonb(&mut self, v: &serde_json::Value) -> String {
        self.push(SqlValue::Jsonb(v.to_string()), "jsonb")
    }

    pub(crate) fn opt_jsonb(&mut self, v: Option<serde_json::Value>) -> String {
        self.push(
            v.map_or(SqlValue::Null, |j| SqlValue::Jsonb(j.to_string())),
            "jsonb",
        )
    }

    pub(crate) fn finish(self, sql: String) -> Stmt {
        Stmt {
            sql,
            params: self.params,
        }
    }
}

/// What the component does next in a multi-statement transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum TxStep<T> {
    /// Run this statement (`query`) and pass its rows to [`TxPlan::resume`].
    Run(Stmt),
    /// Execute `COMMIT` and return the value.
    Commit(T),
    /// Execute `ROLLBACK` and return the error.
    Rollback(DomainError),
}

/// A transaction as a pure state machine: the component supplies rows, the plan decides.
/// Before [`TxPlan::start`] the component executes `BEGIN` (READ COMMITTED, the default, is
/// sufficient: the plans take row locks); if a statement fails, it executes `ROLLBACK` and maps
/// the SQLSTATE with [`DomainError::from_sqlstate`].
pub trait TxPlan {
    type Output;
    fn start(&mut self) -> TxStep<Self::Output>;
    fn resume(&mut self, rows: Vec<Row>) -> TxStep<Self::Output>;
}

/// Reference driver for a [`TxPlan`], generic over how statements are executed. The Spin
/// component passes a closure around `Connection::query` and `execute`; tests pass a fake.
/// `exec(None)` must run the given control word (`BEGIN`, `COMMIT`, `ROLLBACK`).
pub fn run_plan<P: TxPlan>(
    plan: &mut P,
    mut query: impl FnMut(&Stmt) -> Result<Vec<Row>>,
    mut control: impl FnMut(&str) -> Result<()>,
) -> Result<P::Output> {
    control("BEGIN")?;
    let mut step = plan.start();
    loop {
        step = match step {
            TxStep::Run(stmt) => match query(&stmt) {
                Ok(rows) => plan.resume(rows),
                Err(e) => {
                    // The original error matters more than a failed rollback.
                    let _ = control("ROLLBACK");
                    return Err(e);
                }
            },
            TxStep::Commit(out) => {
                control("COMMIT")?;
                return Ok(out);
            }
            TxStep::Rollback(err) => {
                control("ROLLBACK")?;
                return Err(err);
            }
        };
    }
}

#[cfg(test)]
pub(crate) mod testing;
