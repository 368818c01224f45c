//! Guest parameters to Postgres values, converted to the type the server expects for each
//! placeholder (known from the prepared statement). Widening and lossless conversions are
//! made; anything else is `bad-parameter` with the reason, before the query is sent.

use std::str::FromStr as _;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use postgres_types::{ToSql, Type};
use rust_decimal::Decimal;

use super::wire::{Interval, Null, Range};
use crate::bindings::postgres::{ParameterValue as P, RangeBoundKind};

/// A converted parameter.
pub type Param = Box<dyn ToSql + Sync + Send>;

/// Convert every parameter for the statement's placeholder types.
pub fn convert(types: &[Type], values: Vec<P>) -> Result<Vec<Param>, String> {
    if types.len() != values.len() {
        return Err(format!(
            "the statement has {} placeholders but {} parameters were given",
            types.len(),
            values.len()
        ));
    }
    types
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (ty, value))| one(ty, value).map_err(|e| format!("parameter ${}: {e}", i + 1)))
        .collect()
}

fn one(ty: &Type, value: P) -> Result<Param, String> {
    let mismatch = |what: &str| Err(format!("{what} cannot be used for a `{ty}` placeholder"));
    Ok(match value {
        P::DbNull => Box::new(Null) as Param,
        P::Boolean(b) => match *ty {
            Type::BOOL => Box::new(b),
            _ => return mismatch("a boolean"),
        },
        P::Int8(n) => integer(ty, i64::from(n), "an int8")?,
        P::Int16(n) => integer(ty, i64::from(n), "an int16")?,
        P::Int32(n) => integer(ty, i64::from(n), "an int32")?,
        P::Int64(n) => integer(ty, n, "an int64")?,
        P::Floating32(f) => match *ty {
            Type::FLOAT4 => Box::new(f),
            Type::FLOAT8 => Box::new(f64::from(f)),
            _ => return mismatch("a float"),
        },
        P::Floating64(f) => match *ty {
            Type::FLOAT8 => Box::new(f),
            Type::NUMERIC => Box::new(Decimal::try_from(f).map_err(|e| e.to_string())?),
            _ => return mismatch("a float64"),
        },
        P::Str(s) => match *ty {
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => Box::new(s),
            Type::UUID => {
                Box::new(uuid::Uuid::parse_str(&s).map_err(|e| format!("not a UUID: {e}"))?)
            }
            Type::JSON | Type::JSONB => Box::new(
                serde_json::from_str::<serde_json::Value>(&s)
                    .map_err(|e| format!("not JSON: {e}"))?,
            ),
            Type::NUMERIC => Box::new(decimal(&s)?),
            _ => return mismatch("a string"),
        },
        P::Binary(b) => match *ty {
            Type::BYTEA => Box::new(b),
            _ => return mismatch("binary data"),
        },
        P::Date((y, m, d)) => {
            let date = NaiveDate::from_ymd_opt(y, m.into(), d.into()).ok_or("not a valid date")?;
            match *ty {
                Type::DATE => Box::new(date),
                _ => return mismatch("a date"),
            }
        }
        P::Time((h, m, s, ns)) => {
            let time = NaiveTime::from_hms_nano_opt(h.into(), m.into(), s.into(), ns)
                .ok_or("not a valid time")?;
            match *ty {
                Type::TIME => Box::new(time),
                _ => return mismatch("a time"),
            }
        }
        P::Datetime((y, mo, d, h, mi, s, ns)) => {
            let date = NaiveDate::from_ymd_opt(y, mo.into(), d.into()).ok_or("not a valid date")?;
            let time = NaiveTime::from_hms_nano_opt(h.into(), mi.into(), s.into(), ns)
                .ok_or("not a valid time")?;
            let naive = NaiveDateTime::new(date, time);
            match *ty {
                Type::TIMESTAMP => Box::new(naive),
                // A datetime is UTC in Spin's interface.
                Type::TIMESTAMPTZ => Box::new(naive.and_utc()),
                _ => return mismatch("a datetime"),
            }
        }
        P::Timestamp(secs) => {
            let at = DateTime::from_timestamp(secs, 0).ok_or("timestamp out of range")?;
            match *ty {
                Type::TIMESTAMPTZ => Box::new(at),
                Type::TIMESTAMP => Box::new(at.naive_utc()),
                _ => return mismatch("a timestamp"),
            }
        }
        P::Uuid(s) => match *ty {
            Type::UUID => {
                Box::new(uuid::Uuid::parse_str(&s).map_err(|e| format!("not a UUID: {e}"))?)
            }
            Type::TEXT | Type::VARCHAR => Box::new(s),
            _ => return mismatch("a uuid"),
        },
        P::Jsonb(bytes) => match *ty {
            Type::JSON | Type::JSONB => Box::new(
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .map_err(|e| format!("not JSON: {e}"))?,
            ),
            _ => return mismatch("JSON"),
        },
        P::Decimal(s) => match *ty {
            Type::NUMERIC => Box::new(decimal(&s)?),
            _ => return mismatch("a decimal"),
        },
        P::RangeInt32((lo, hi)) => match *ty {
            Type::INT4_RANGE => Box::new(Range {
                lower: bound(lo, Ok)?,
                upper: bound(hi, Ok)?,
            }),
            Type::INT8_RANGE => Box::new(Range {
                lower: bound(lo, |v| Ok(i64::from(v)))?,
                upper: bound(hi, |v| Ok(i64::from(v)))?,
            }),
            _ => return mismatch("an int32 range"),
        },
        P::RangeInt64((lo, hi)) => match *ty {
            Type::INT8_RANGE => Box::new(Range {
                lower: bound(lo, Ok)?,
                upper: bound(hi, Ok)?,
            }),
            _ => return mismatch("an int64 range"),
        },
        P::RangeDecimal((lo, hi)) => match *ty {
            Type::NUM_RANGE => Box::new(Range {
                lower: bound(lo, |v| decimal(&v))?,
                upper: bound(hi, |v| decimal(&v))?,
            }),
            _ => return mismatch("a decimal range"),
        },
        P::ArrayInt32(items) => match *ty {
            Type::INT4_ARRAY => Box::new(items),
            Type::INT8_ARRAY => Box::new(
                items
                    .into_iter()
                    .map(|v| v.map(i64::from))
                    .collect::<Vec<_>>(),
            ),
            _ => return mismatch("an int32 array"),
        },
        P::ArrayInt64(items) => match *ty {
            Type::INT8_ARRAY => Box::new(items),
            _ => return mismatch("an int64 array"),
        },
        P::ArrayDecimal(items) => match *ty {
            Type::NUMERIC_ARRAY => Box::new(
                items
                    .into_iter()
                    .map(|v| v.map(|s| decimal(&s)).transpose())
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => return mismatch("a decimal array"),
        },
        P::ArrayStr(items) => match *ty {
            Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY | Type::NAME_ARRAY => {
                Box::new(items)
            }
            Type::UUID_ARRAY => Box::new(
                items
                    .into_iter()
                    .map(|v| {
                        v.map(|s| uuid::Uuid::parse_str(&s).map_err(|e| format!("not a UUID: {e}")))
                            .transpose()
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => return mismatch("a string array"),
        },
        P::Interval(i) => match *ty {
            Type::INTERVAL => Box::new(Interval {
                micros: i.micros,
                days: i.days,
                months: i.months,
            }),
            _ => return mismatch("an interval"),
        },
    })
}

/// An integer for an integer (or numeric, or `"char"`) placeholder, if it fits.
fn integer(ty: &Type, n: i64, what: &str) -> Result<Param, String> {
    let too_big = || format!("{n} does not fit a `{ty}` placeholder");
    Ok(match *ty {
        Type::INT8 => Box::new(n),
        Type::INT4 => Box::new(i32::try_from(n).map_err(|_| too_big())?),
        Type::INT2 => Box::new(i16::try_from(n).map_err(|_| too_big())?),
        Type::CHAR => Box::new(i8::try_from(n).map_err(|_| too_big())?),
        Type::NUMERIC => Box::new(Decimal::from(n)),
        Type::FLOAT8 => Box::new(n as f64),
        _ => return Err(format!("{what} cannot be used for a `{ty}` placeholder")),
    })
}

fn decimal(s: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(s)
        .or_else(|_| Decimal::from_str(s))
        .map_err(|e| format!("not a decimal `{s}`: {e}"))
}

fn bound<T, U>(
    b: Option<(T, RangeBoundKind)>,
    f: impl Fn(T) -> Result<U, String>,
) -> Result<Option<(U, bool)>, String> {
    b.map(|(v, kind)| Ok((f(v)?, matches!(kind, RangeBoundKind::Inclusive))))
        .transpose()
}
