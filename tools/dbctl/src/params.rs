//! The domain crate's [`SqlValue`] parameters, bound with tokio-postgres.
//!
//! The domain's statements cast every placeholder (`$1::jsonb`, `$2::uuid`, `$3::int8`), so
//! the server always asks for the type the value was made for; this binder writes each
//! value's binary form directly, without pulling serde_json and uuid support into
//! tokio-postgres.

use bytes::{BufMut as _, BytesMut};
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};
use redshop_product::sql::SqlValue;

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// One parameter of a domain statement.
#[derive(Debug)]
pub struct Param<'a>(pub &'a SqlValue);

impl Param<'_> {
    /// The parameters of a statement, as tokio-postgres takes them.
    pub fn all(values: &[SqlValue]) -> Vec<Param<'_>> {
        values.iter().map(Param).collect()
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            SqlValue::Null => Ok(IsNull::Yes),
            SqlValue::Bool(v) => v.to_sql(ty, out),
            SqlValue::Int64(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            SqlValue::Float64(v) => v.to_sql(ty, out),
            SqlValue::Text(v) => v.as_str().to_sql(ty, out),
            SqlValue::Uuid(v) => {
                out.put_slice(uuid::Uuid::parse_str(v)?.as_bytes());
                Ok(IsNull::No)
            }
            SqlValue::Jsonb(v) => {
                // jsonb's binary form is a version byte (1) and the JSON text; json's is the text.
                if *ty == Type::JSONB {
                    out.put_u8(1);
                }
                out.put_slice(v.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    /// The statement's casts decide the type; see the module doc.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(v: SqlValue, ty: Type) -> (IsNull, Vec<u8>) {
        let mut out = BytesMut::new();
        let is_null = Param(&v).to_sql(&ty, &mut out).unwrap();
        (is_null, out.to_vec())
    }

    #[test]
    fn uuid_is_sent_as_its_sixteen_bytes() {
        let (_, bytes) = encode(
            SqlValue::Uuid("00000000-0000-4000-8000-0000000000ff".into()),
            Type::UUID,
        );
        assert_eq!(bytes.len(), 16);
        assert_eq!(bytes[15], 0xff);
        let mut out = BytesMut::new();
        assert!(
            Param(&SqlValue::Uuid("nope".into()))
                .to_sql(&Type::UUID, &mut out)
                .is_err()
        );
    }

    #[test]
    fn jsonb_gets_its_version_byte_and_json_does_not() {
        assert_eq!(
            encode(SqlValue::Jsonb("[]".into()), Type::JSONB).1,
            b"\x01[]"
        );
        assert_eq!(encode(SqlValue::Jsonb("[]".into()), Type::JSON).1, b"[]");
    }

    #[test]
    fn integers_fit_the_column_width_or_fail() {
        assert_eq!(encode(SqlValue::Int64(7), Type::INT8).1.len(), 8);
        assert_eq!(encode(SqlValue::Int64(7), Type::INT4).1, 7i32.to_be_bytes());
        let mut out = BytesMut::new();
        assert!(
            Param(&SqlValue::Int64(1 << 40))
                .to_sql(&Type::INT4, &mut out)
                .is_err()
        );
    }

    #[test]
    fn null_is_null_whatever_the_type() {
        assert!(matches!(encode(SqlValue::Null, Type::UUID).0, IsNull::Yes));
    }
}
