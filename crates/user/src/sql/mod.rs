//! PostgreSQL statements as data, and decoders for their rows.
//!
//! Every statement is constant SQL with `$n` placeholders, each cast to its type
//! (`$1::uuid`); request values are only ever [`SqlValue`] parameters. The component runs a
//! [`Stmt`] with Spin's `pg4` `query`, maps values 1:1 (`Null→DbNull`, `Bool→Boolean`,
//! `Int64→Int64`, `Text→Str`, `Uuid→Uuid`, `Jsonb→Jsonb`) and hands the rows back to the
//! decoders here. Times are selected as epoch milliseconds (`int8`), so no date type crosses.

pub mod addresses;
pub mod outbox;
pub mod users;

use uuid::Uuid;

use crate::error::UserError;

/// A parameter or a result value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int64(i64),
    Text(String),
    Uuid(String),
    Jsonb(String),
}

/// A result row.
pub type Row = Vec<SqlValue>;

/// One parameterized statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    pub sql: &'static str,
    pub params: Vec<SqlValue>,
}

impl Stmt {
    fn new(sql: &'static str, params: Vec<SqlValue>) -> Stmt {
        Stmt { sql, params }
    }
}

/// `SELECT 1`: does the database answer.
pub fn ping() -> Stmt {
    Stmt::new("SELECT 1::int8", vec![])
}

pub(crate) fn uuid(v: Uuid) -> SqlValue {
    SqlValue::Uuid(v.hyphenated().to_string())
}

pub(crate) fn text(v: &str) -> SqlValue {
    SqlValue::Text(v.to_owned())
}

pub(crate) fn opt_text(v: Option<&str>) -> SqlValue {
    v.map_or(SqlValue::Null, text)
}

/// Reads the columns of one row by position, with the column's name in every error.
pub(crate) struct Cols<'a> {
    row: &'a [SqlValue],
}

impl<'a> Cols<'a> {
    pub(crate) fn of(row: &'a [SqlValue]) -> Cols<'a> {
        Cols { row }
    }

    fn get(&self, i: usize, name: &str) -> Result<&'a SqlValue, UserError> {
        self.row
            .get(i)
            .ok_or_else(|| UserError::Storage(format!("column {name} missing")))
    }

    pub(crate) fn uuid(&self, i: usize, name: &str) -> Result<Uuid, UserError> {
        match self.get(i, name)? {
            SqlValue::Uuid(s) | SqlValue::Text(s) => {
                Uuid::parse_str(s).map_err(|e| UserError::Storage(format!("column {name}: {e}")))
            }
            other => Err(UserError::Storage(format!("column {name}: {other:?}"))),
        }
    }

    pub(crate) fn text(&self, i: usize, name: &str) -> Result<String, UserError> {
        match self.get(i, name)? {
            SqlValue::Text(s) => Ok(s.clone()),
            other => Err(UserError::Storage(format!("column {name}: {other:?}"))),
        }
    }

    pub(crate) fn opt_text(&self, i: usize, name: &str) -> Result<Option<String>, UserError> {
        match self.get(i, name)? {
            SqlValue::Null => Ok(None),
            SqlValue::Text(s) => Ok(Some(s.clone())),
            other => Err(UserError::Storage(format!("column {name}: {other:?}"))),
        }
    }

    pub(crate) fn int(&self, i: usize, name: &str) -> Result<i64, UserError> {
        match self.get(i, name)? {
            SqlValue::Int64(n) => Ok(*n),
            other => Err(UserError::Storage(format!("column {name}: {other:?}"))),
        }
    }

    pub(crate) fn bool(&self, i: usize, name: &str) -> Result<bool, UserError> {
        match self.get(i, name)? {
            SqlValue::Bool(b) => Ok(*b),
            other => Err(UserError::Storage(format!("column {name}: {other:?}"))),
        }
    }
}

/// Interprets a server error: a unique violation on the email index is [`UserError::EmailTaken`];
/// everything else is a storage failure (the SQL here is the service's own, so any other
/// violation is a bug, not the client's fault).
pub fn from_sqlstate(code: &str, constraint: Option<&str>, message: &str) -> UserError {
    match (code, constraint) {
        ("23505", Some("users_email_lower_key")) => UserError::EmailTaken,
        _ => UserError::Storage(format!("sqlstate {code}: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_email_index_violation_is_the_clients_fault() {
        assert_eq!(
            from_sqlstate("23505", Some("users_email_lower_key"), "dup"),
            UserError::EmailTaken
        );
        assert!(matches!(
            from_sqlstate("23505", Some("addresses_one_default"), "dup"),
            UserError::Storage(_)
        ));
    }

    #[test]
    fn every_placeholder_is_cast() {
        let all = users::all_statements()
            .into_iter()
            .chain(addresses::all_statements())
            .chain(outbox::all_statements());
        for stmt in all {
            for n in 1..=stmt.params.len() {
                let p = format!("${n}::");
                assert!(stmt.sql.contains(&p), "{p} in {}", stmt.sql);
            }
            assert!(
                !stmt.sql.contains(&format!("${}", stmt.params.len() + 1)),
                "{}",
                stmt.sql
            );
        }
    }
}
