//! Postgres binary formats that `tokio-postgres` has no type for: ranges and intervals.
//! (Formats from PostgreSQL's `rangetypes.c` `range_send` and `timestamp.c`
//! `interval_send`.)

use std::error::Error;

use bytes::{BufMut as _, BytesMut};
use postgres_types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};

type BoxError = Box<dyn Error + Sync + Send>;

const RANGE_EMPTY: u8 = 0x01;
const RANGE_LB_INC: u8 = 0x02;
const RANGE_UB_INC: u8 = 0x04;
const RANGE_LB_INF: u8 = 0x08;
const RANGE_UB_INF: u8 = 0x10;

/// One end of a range: the value and whether it is inclusive; `None` is unbounded.
pub type Bound<T> = Option<(T, bool)>;

/// A range of `T` (`int4range`, `int8range`, `numrange`).
#[derive(Debug, Clone, PartialEq)]
pub struct Range<T> {
    pub lower: Bound<T>,
    pub upper: Bound<T>,
}

impl<T: ToSql> ToSql for Range<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let Kind::Range(element) = ty.kind() else {
            return Err(format!("a range cannot be stored in a `{ty}` column").into());
        };
        let mut flags = 0;
        if self.lower.is_none() {
            flags |= RANGE_LB_INF;
        }
        if self.upper.is_none() {
            flags |= RANGE_UB_INF;
        }
        if matches!(self.lower, Some((_, true))) {
            flags |= RANGE_LB_INC;
        }
        if matches!(self.upper, Some((_, true))) {
            flags |= RANGE_UB_INC;
        }
        out.put_u8(flags);
        for (value, _) in [&self.lower, &self.upper].into_iter().flatten() {
            let start = out.len();
            out.put_i32(0);
            value.to_sql(element, out)?;
            let len = i32::try_from(out.len() - start - 4)?;
            out[start..start + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(_))
    }

    to_sql_checked!();
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Range<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let Kind::Range(element) = ty.kind() else {
            return Err("not a range".into());
        };
        let (&flags, mut rest) = raw.split_first().ok_or("empty range value")?;
        if flags & RANGE_EMPTY != 0 {
            // Spin's range type has no "empty" case, and inventing bounds would lie.
            return Err("empty ranges cannot be represented".into());
        }
        let mut read = |present: bool, inclusive: bool| -> Result<Bound<T>, BoxError> {
            if !present {
                return Ok(None);
            }
            let (len, tail) = rest.split_at_checked(4).ok_or("truncated range")?;
            let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
            let (value, tail) = tail.split_at_checked(len).ok_or("truncated range")?;
            rest = tail;
            Ok(Some((T::from_sql(element, value)?, inclusive)))
        };
        let lower = read(flags & RANGE_LB_INF == 0, flags & RANGE_LB_INC != 0)?;
        let upper = read(flags & RANGE_UB_INF == 0, flags & RANGE_UB_INC != 0)?;
        Ok(Range { lower, upper })
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(_))
    }
}

/// `interval`: microseconds, days and months, kept apart as Postgres keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub micros: i64,
    pub days: i32,
    pub months: i32,
}

impl ToSql for Interval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_i64(self.micros);
        out.put_i32(self.days);
        out.put_i32(self.months);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Interval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw: [u8; 16] = raw.try_into().map_err(|_| "interval must be 16 bytes")?;
        let (micros, rest) = raw.split_at(8);
        let (days, months) = rest.split_at(4);
        Ok(Interval {
            micros: i64::from_be_bytes(micros.try_into()?),
            days: i32::from_be_bytes(days.try_into()?),
            months: i32::from_be_bytes(months.try_into()?),
        })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

/// SQL `NULL` for a placeholder of any type.
#[derive(Debug)]
pub struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Any value as the raw bytes the server sent, for types Spin's WIT cannot describe.
pub struct Raw(pub Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(raw.to_vec()))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_round_trips_through_the_binary_format() {
        let range = Range {
            lower: Some((3i32, true)),
            upper: Some((9i32, false)),
        };
        let mut buf = BytesMut::new();
        range.to_sql(&Type::INT4_RANGE, &mut buf).expect("encodes");
        let back: Range<i32> = Range::from_sql(&Type::INT4_RANGE, &buf).expect("decodes");
        assert_eq!(back, range);
        let open = Range::<i64> {
            lower: None,
            upper: Some((5, true)),
        };
        let mut buf = BytesMut::new();
        open.to_sql(&Type::INT8_RANGE, &mut buf).expect("encodes");
        assert_eq!(
            Range::<i64>::from_sql(&Type::INT8_RANGE, &buf).expect("decodes"),
            open
        );
    }

    #[test]
    fn interval_round_trips() {
        let i = Interval {
            micros: -1_500_000,
            days: 3,
            months: 14,
        };
        let mut buf = BytesMut::new();
        i.to_sql(&Type::INTERVAL, &mut buf).expect("encodes");
        assert_eq!(
            Interval::from_sql(&Type::INTERVAL, &buf).expect("decodes"),
            i
        );
    }
}
