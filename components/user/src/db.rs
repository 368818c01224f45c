//! Spin's Postgres (`spin:postgres/postgres@4.0.0` through [`redshop_edge::pg`], safe from
//! Spin 4.0's zero-row hang) as the executor of the domain crate's
//! statements: values across 1:1, one `query` per statement, transactions with
//! `BEGIN`/`COMMIT`/`ROLLBACK` on the one connection the request holds. Server errors are
//! read once, by [`redshop_user::sql::from_sqlstate`].

use redshop_edge::pg::{Connection, DbValue, ParameterValue, PgError, QueryError};
use redshop_user::error::UserError;
use redshop_user::sql::{Row, SqlValue, Stmt, from_sqlstate};

use crate::config::DB_URL_VARIABLE;
use crate::error::ApiError;

pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens the database named by `db_url`. A missing variable or a server that is down is
    /// the operator's problem: internal.
    pub fn open() -> Result<Self, ApiError> {
        let url = spin_sdk::variables::get(DB_URL_VARIABLE)
            .map_err(|e| ApiError::internal(format!("variable `{DB_URL_VARIABLE}`: {e:?}")))?;
        let conn = Connection::open(&url)
            .map_err(|e| ApiError::internal(format!("open postgres: {e:?}")))?;
        Ok(Self { conn })
    }

    pub fn query(&self, stmt: &Stmt) -> Result<Vec<Row>, UserError> {
        let params: Vec<ParameterValue> = stmt.params.iter().map(parameter).collect();
        let set = self.conn.query(stmt.sql, &params).map_err(|e| failed(&e))?;
        set.rows
            .into_iter()
            .map(|row| row.into_iter().map(value).collect())
            .collect()
    }

    fn control(&self, sql: &str) -> Result<(), UserError> {
        self.conn
            .execute(sql, &[])
            .map(|_| ())
            .map_err(|e| failed(&e))
    }

    /// Runs `work` inside `BEGIN … COMMIT`; any error rolls back and is returned as is.
    pub fn transaction<T>(
        &self,
        work: impl FnOnce(&Self) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.control("BEGIN")?;
        match work(self) {
            Ok(out) => {
                self.control("COMMIT")?;
                Ok(out)
            }
            Err(e) => {
                // The work's own error matters more; the host also rolls back what a guest
                // leaves open.
                let _ = self.control("ROLLBACK");
                Err(e)
            }
        }
    }
}

fn failed(e: &PgError) -> UserError {
    match e {
        PgError::QueryFailed(QueryError::DbError(db)) => {
            let constraint = db
                .extras
                .iter()
                .find(|(k, _)| k == "constraint")
                .map(|(_, v)| v.as_str());
            from_sqlstate(&db.code, constraint, &db.message)
        }
        other => UserError::Storage(format!("postgres: {other:?}")),
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

fn value(v: DbValue) -> Result<SqlValue, UserError> {
    Ok(match v {
        DbValue::DbNull => SqlValue::Null,
        DbValue::Boolean(b) => SqlValue::Bool(b),
        DbValue::Int16(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int32(i) => SqlValue::Int64(i64::from(i)),
        DbValue::Int64(i) => SqlValue::Int64(i),
        DbValue::Str(s) => SqlValue::Text(s),
        DbValue::Uuid(s) => SqlValue::Uuid(s),
        DbValue::Jsonb(bytes) => SqlValue::Jsonb(
            String::from_utf8(bytes)
                .map_err(|_| UserError::Storage("jsonb is not UTF-8".into()))?,
        ),
        other => {
            return Err(UserError::Storage(format!(
                "unexpected column value {other:?}"
            )));
        }
    })
}
