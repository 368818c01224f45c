//! `fermyon:spin/postgres@2.0.0`, what spin-sdk 2.x-4.x import through `spin_sdk::pg`,
//! served by the `@4.0.0` implementation like `v3`. This file only converts types.
//!
//! `@2.0.0` shares `rdbms-types` with MySQL, so it has unsigned integers, which Postgres
//! has not: a `uint*` parameter is refused with `value-conversion-failed` before anything
//! reaches the server, as Spin does. It has no date or time types: such values arrive as
//! `unsupported`, and every column type it lacks as `other`.

use wasmtime::component::Resource;

use super::PgConnection;
use super::v3::query_error_text;
use crate::bindings::postgres as v4;
use crate::bindings::postgres_older::{v2, v2_types};
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, v2_types::Error>>;

impl v2_types::Host for InstanceState {}

impl v2::Host for InstanceState {}

impl v2::HostConnection for InstanceState {
    async fn open(&mut self, address: String) -> Outcome<Resource<PgConnection>> {
        let opened = <Self as v4::HostConnection>::open(self, address).await?;
        Ok(opened.map_err(error))
    }

    async fn query(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<v2_types::ParameterValue>,
    ) -> Outcome<v2_types::RowSet> {
        let params = match params
            .into_iter()
            .map(parameter)
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(params) => params,
            Err(e) => return Ok(Err(e)),
        };
        let rows = <Self as v4::HostConnection>::query(self, conn, statement, params).await?;
        Ok(rows.map(row_set).map_err(error))
    }

    async fn execute(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<v2_types::ParameterValue>,
    ) -> Outcome<u64> {
        let params = match params
            .into_iter()
            .map(parameter)
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(params) => params,
            Err(e) => return Ok(Err(e)),
        };
        let n = <Self as v4::HostConnection>::execute(self, conn, statement, params).await?;
        Ok(n.map_err(error))
    }

    async fn drop(&mut self, conn: Resource<PgConnection>) -> wasmtime::Result<()> {
        <Self as v4::HostConnection>::drop(self, conn).await
    }
}

fn error(e: v4::Error) -> v2_types::Error {
    use v2_types::Error as O;
    match e {
        v4::Error::ConnectionFailed(s) => O::ConnectionFailed(s),
        v4::Error::BadParameter(s) => O::BadParameter(s),
        v4::Error::QueryFailed(q) => O::QueryFailed(query_error_text(q)),
        v4::Error::ValueConversionFailed(s) => O::ValueConversionFailed(s),
        v4::Error::Other(s) => O::Other(s),
    }
}

fn parameter(p: v2_types::ParameterValue) -> Result<v4::ParameterValue, v2_types::Error> {
    use v2_types::ParameterValue as P;
    use v4::ParameterValue as Q;
    Ok(match p {
        P::Boolean(v) => Q::Boolean(v),
        P::Int8(v) => Q::Int8(v),
        P::Int16(v) => Q::Int16(v),
        P::Int32(v) => Q::Int32(v),
        P::Int64(v) => Q::Int64(v),
        // The guest's value, the guest's fault: reported, nothing sent.
        P::Uint8(_) | P::Uint16(_) | P::Uint32(_) | P::Uint64(_) => {
            return Err(v2_types::Error::ValueConversionFailed(
                "Postgres does not support unsigned integers".into(),
            ));
        }
        P::Floating32(v) => Q::Floating32(v),
        P::Floating64(v) => Q::Floating64(v),
        P::Str(v) => Q::Str(v),
        P::Binary(v) => Q::Binary(v),
        P::DbNull => Q::DbNull,
    })
}

fn row_set(rows: v4::RowSet) -> v2_types::RowSet {
    v2_types::RowSet {
        columns: rows
            .columns
            .into_iter()
            .map(|c| v2_types::Column {
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

fn data_type(t: &v4::DbDataType) -> v2_types::DbDataType {
    use v2_types::DbDataType as O;
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
        _ => O::Other,
    }
}

fn value(v: v4::DbValue) -> v2_types::DbValue {
    use v2_types::DbValue as O;
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
        N::DbNull => O::DbNull,
        _ => O::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_parameters_are_refused_as_spin_refuses_them() {
        let err = parameter(v2_types::ParameterValue::Uint64(7)).expect_err("no unsigned");
        assert!(
            matches!(&err, v2_types::Error::ValueConversionFailed(s) if s.contains("unsigned")),
            "{err:?}"
        );
        assert!(matches!(
            parameter(v2_types::ParameterValue::Int64(7)),
            Ok(v4::ParameterValue::Int64(7))
        ));
    }

    #[test]
    fn dates_have_no_v2_case() {
        assert!(matches!(
            value(v4::DbValue::Date((2026, 12, 2))),
            v2_types::DbValue::Unsupported
        ));
        assert!(matches!(
            data_type(&v4::DbDataType::Date),
            v2_types::DbDataType::Other
        ));
    }
}
