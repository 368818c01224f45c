//! `spin:postgres/postgres@3.0.0`, what spin-sdk 3.x and 4.x import through `spin_sdk::pg3`,
//! served by the `@4.0.0` implementation: the same pool, allow-list check, statement cache
//! and session reset. This file only converts between the two versions' types.
//!
//! `@3.0.0` is `@4.0.0` without the newer value types, and with a plain string where
//! `@4.0.0` has a structured query error. Parameters convert one to one. A result value
//! `@3.0.0` has no case for (uuid, jsonb, numeric, ranges, arrays, interval) arrives as
//! `unsupported`, and its column type as `other`, as in Spin.

use wasmtime::component::Resource;

use super::PgConnection;
use crate::bindings::postgres as v4;
use crate::bindings::postgres_older::v3;
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, v3::Error>>;

impl v3::Host for InstanceState {}

impl v3::HostConnection for InstanceState {
    async fn open(&mut self, address: String) -> Outcome<Resource<PgConnection>> {
        let opened = <Self as v4::HostConnection>::open(self, address).await?;
        Ok(opened.map_err(error))
    }

    async fn query(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<v3::ParameterValue>,
    ) -> Outcome<v3::RowSet> {
        let params = params.into_iter().map(parameter).collect();
        let rows = <Self as v4::HostConnection>::query(self, conn, statement, params).await?;
        Ok(rows.map(row_set).map_err(error))
    }

    async fn execute(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<v3::ParameterValue>,
    ) -> Outcome<u64> {
        let params = params.into_iter().map(parameter).collect();
        let n = <Self as v4::HostConnection>::execute(self, conn, statement, params).await?;
        Ok(n.map_err(error))
    }

    async fn drop(&mut self, conn: Resource<PgConnection>) -> wasmtime::Result<()> {
        <Self as v4::HostConnection>::drop(self, conn).await
    }
}

/// The `@4.0.0` error as `@3.0.0` has it: a query error is its text.
pub(super) fn error(e: v4::Error) -> v3::Error {
    match e {
        v4::Error::ConnectionFailed(s) => v3::Error::ConnectionFailed(s),
        v4::Error::BadParameter(s) => v3::Error::BadParameter(s),
        v4::Error::QueryFailed(q) => v3::Error::QueryFailed(query_error_text(q)),
        v4::Error::ValueConversionFailed(s) => v3::Error::ValueConversionFailed(s),
        v4::Error::Other(s) => v3::Error::Other(s),
    }
}

/// A structured server error as the one line older interfaces carry.
pub(super) fn query_error_text(q: v4::QueryError) -> String {
    match q {
        v4::QueryError::Text(s) => s,
        v4::QueryError::DbError(db) => db.as_text,
    }
}

fn parameter(p: v3::ParameterValue) -> v4::ParameterValue {
    use v3::ParameterValue as P;
    use v4::ParameterValue as Q;
    match p {
        P::Boolean(v) => Q::Boolean(v),
        P::Int8(v) => Q::Int8(v),
        P::Int16(v) => Q::Int16(v),
        P::Int32(v) => Q::Int32(v),
        P::Int64(v) => Q::Int64(v),
        P::Floating32(v) => Q::Floating32(v),
        P::Floating64(v) => Q::Floating64(v),
        P::Str(v) => Q::Str(v),
        P::Binary(v) => Q::Binary(v),
        P::Date(v) => Q::Date(v),
        P::Time(v) => Q::Time(v),
        P::Datetime(v) => Q::Datetime(v),
        P::Timestamp(v) => Q::Timestamp(v),
        P::DbNull => Q::DbNull,
    }
}

fn row_set(rows: v4::RowSet) -> v3::RowSet {
    v3::RowSet {
        columns: rows
            .columns
            .into_iter()
            .map(|c| v3::Column {
                name: c.name,
                data_type: data_type(&c.data_type),
            })
            .collect(),
        rows: rows
            .rows
            .into_iter()
            .map(|row| row.into_iter().map(value).collect())
            .collect(),
    }
}

fn data_type(t: &v4::DbDataType) -> v3::DbDataType {
    use v3::DbDataType as O;
    use v4::DbDataType as N;
    match t {
        N::Boolean => O::Boolean,
        N::Int8 => O::Int8,
        N::Int16 => O::Int16,
        N::Int32 => O::Int32,
        N::Int64 => O::Int64,
        N::Floating32 => O::Floating32,
        N::Floating64 => O::Floating64,
        N::Str => O::Str,
        N::Binary => O::Binary,
        N::Date => O::Date,
        N::Time => O::Time,
        N::Datetime => O::Datetime,
        N::Timestamp => O::Timestamp,
        _ => O::Other,
    }
}

fn value(v: v4::DbValue) -> v3::DbValue {
    use v3::DbValue as O;
    use v4::DbValue as N;
    match v {
        N::Boolean(v) => O::Boolean(v),
        N::Int8(v) => O::Int8(v),
        N::Int16(v) => O::Int16(v),
        N::Int32(v) => O::Int32(v),
        N::Int64(v) => O::Int64(v),
        N::Floating32(v) => O::Floating32(v),
        N::Floating64(v) => O::Floating64(v),
        N::Str(v) => O::Str(v),
        N::Binary(v) => O::Binary(v),
        N::Date(v) => O::Date(v),
        N::Time(v) => O::Time(v),
        N::Datetime(v) => O::Datetime(v),
        N::Timestamp(v) => O::Timestamp(v),
        N::DbNull => O::DbNull,
        _ => O::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_without_a_v3_case_arrive_unsupported() {
        assert!(matches!(
            value(v4::DbValue::Uuid("x".into())),
            v3::DbValue::Unsupported
        ));
        assert!(matches!(
            value(v4::DbValue::Date((2026, 12, 2))),
            v3::DbValue::Date((2026, 12, 2))
        ));
        assert!(matches!(
            data_type(&v4::DbDataType::Jsonb),
            v3::DbDataType::Other
        ));
    }

    #[test]
    fn a_server_error_becomes_its_text() {
        let e = error(v4::Error::QueryFailed(v4::QueryError::DbError(
            v4::DbError {
                as_text: "ERROR: relation \"x\" does not exist".into(),
                severity: "ERROR".into(),
                code: "42P01".into(),
                message: "relation \"x\" does not exist".into(),
                detail: None,
                extras: Vec::new(),
            },
        )));
        assert!(
            matches!(&e, v3::Error::QueryFailed(s) if s.contains("does not exist")),
            "{e:?}"
        );
    }
}
