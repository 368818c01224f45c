//! Postgres results to guest values, by column type. Types Spin's interface has no case
//! for arrive as `unsupported` with the server's raw bytes, as in Spin.

use chrono::{DateTime, Datelike as _, NaiveDate, NaiveDateTime, NaiveTime, Timelike as _, Utc};
use postgres_types::{FromSql, Type};
use rust_decimal::Decimal;
use tokio_postgres::Row;

use super::wire::{Interval, Range, Raw};
use crate::bindings::postgres::{self as wit, DbDataType as T, DbValue as V, RangeBoundKind};

/// The interface's name for a column of type `ty`.
pub fn data_type(ty: &Type) -> T {
    match *ty {
        Type::BOOL => T::Boolean,
        Type::CHAR => T::Int8,
        Type::INT2 => T::Int16,
        Type::INT4 => T::Int32,
        Type::INT8 => T::Int64,
        Type::FLOAT4 => T::Floating32,
        Type::FLOAT8 => T::Floating64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => T::Str,
        Type::BYTEA => T::Binary,
        Type::DATE => T::Date,
        Type::TIME => T::Time,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => T::Datetime,
        Type::UUID => T::Uuid,
        Type::JSON | Type::JSONB => T::Jsonb,
        Type::NUMERIC => T::Decimal,
        Type::INT4_RANGE => T::RangeInt32,
        Type::INT8_RANGE => T::RangeInt64,
        Type::NUM_RANGE => T::RangeDecimal,
        Type::INT4_ARRAY => T::ArrayInt32,
        Type::INT8_ARRAY => T::ArrayInt64,
        Type::NUMERIC_ARRAY => T::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => T::ArrayStr,
        Type::INTERVAL => T::Interval,
        _ => T::Other(ty.name().to_owned()),
    }
}

/// Column `i` of `row` as a guest value.
pub fn value(row: &Row, i: usize) -> Result<V, tokio_postgres::Error> {
    let ty = row.columns()[i].type_().clone();
    Ok(match ty {
        Type::BOOL => get(row, i, V::Boolean)?,
        Type::CHAR => get(row, i, V::Int8)?,
        Type::INT2 => get(row, i, V::Int16)?,
        Type::INT4 => get(row, i, V::Int32)?,
        Type::INT8 => get(row, i, V::Int64)?,
        Type::FLOAT4 => get(row, i, V::Floating32)?,
        Type::FLOAT8 => get(row, i, V::Floating64)?,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => get(row, i, V::Str)?,
        Type::BYTEA => get(row, i, V::Binary)?,
        Type::DATE => get(row, i, |d: NaiveDate| V::Date(date(d)))?,
        Type::TIME => get(row, i, |t: NaiveTime| V::Time(time(t)))?,
        Type::TIMESTAMP => get(row, i, |dt: NaiveDateTime| V::Datetime(datetime(dt)))?,
        // Spin cannot read `timestamptz` at all; it is a UTC datetime here.
        Type::TIMESTAMPTZ => get(row, i, |dt: DateTime<Utc>| {
            V::Datetime(datetime(dt.naive_utc()))
        })?,
        Type::UUID => get(row, i, |u: uuid::Uuid| V::Uuid(u.hyphenated().to_string()))?,
        Type::JSON | Type::JSONB => get(row, i, |j: serde_json::Value| {
            V::Jsonb(j.to_string().into_bytes())
        })?,
        Type::NUMERIC => get(row, i, |d: Decimal| V::Decimal(d.to_string()))?,
        Type::INT4_RANGE => get(row, i, |r: Range<i32>| {
            V::RangeInt32((bound(r.lower), bound(r.upper)))
        })?,
        Type::INT8_RANGE => get(row, i, |r: Range<i64>| {
            V::RangeInt64((bound(r.lower), bound(r.upper)))
        })?,
        Type::NUM_RANGE => get(row, i, |r: Range<Decimal>| {
            let s = |b: Option<(Decimal, bool)>| bound(b.map(|(d, inc)| (d.to_string(), inc)));
            V::RangeDecimal((s(r.lower), s(r.upper)))
        })?,
        Type::INT4_ARRAY => get(row, i, V::ArrayInt32)?,
        Type::INT8_ARRAY => get(row, i, V::ArrayInt64)?,
        Type::NUMERIC_ARRAY => get(row, i, |a: Vec<Option<Decimal>>| {
            V::ArrayDecimal(a.into_iter().map(|d| d.map(|d| d.to_string())).collect())
        })?,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => get(row, i, V::ArrayStr)?,
        Type::INTERVAL => get(row, i, |v: Interval| {
            V::Interval(wit::Interval {
                micros: v.micros,
                days: v.days,
                months: v.months,
            })
        })?,
        _ => get(row, i, |r: Raw| V::Unsupported(r.0))?,
    })
}

fn get<'a, X: FromSql<'a>>(
    row: &'a Row,
    i: usize,
    f: impl FnOnce(X) -> V,
) -> Result<V, tokio_postgres::Error> {
    Ok(row.try_get::<_, Option<X>>(i)?.map_or(V::DbNull, f))
}

fn date(d: NaiveDate) -> (i32, u8, u8) {
    (d.year(), d.month() as u8, d.day() as u8)
}

fn time(t: NaiveTime) -> (u8, u8, u8, u32) {
    (
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        t.nanosecond(),
    )
}

fn datetime(dt: NaiveDateTime) -> (i32, u8, u8, u8, u8, u8, u32) {
    let (y, mo, d) = date(dt.date());
    let (h, mi, s, ns) = time(dt.time());
    (y, mo, d, h, mi, s, ns)
}

fn bound<X>(b: Option<(X, bool)>) -> Option<(X, RangeBoundKind)> {
    b.map(|(v, inclusive)| {
        (
            v,
            if inclusive {
                RangeBoundKind::Inclusive
            } else {
                RangeBoundKind::Exclusive
            },
        )
    })
}
