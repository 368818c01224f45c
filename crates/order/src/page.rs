//! Keyset pagination of order listings, newest first.
//!
//! The cursor is the `seq` of the last order on the page (orders get increasing `seq`s as
//! they are recorded), so a deep page costs what the first does and orders recorded
//! meanwhile never shift a page. It is opaque to clients: `o` followed by the number.

use crate::error::{OrderError, Result};

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;

/// A page request: at most `limit` orders older than `before_seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub before_seq: Option<i64>,
}

impl PageRequest {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    OrderError::InvalidRequest(format!("limit must be 1 to {MAX_LIMIT}"))
                })?,
        };
        let before_seq = cursor.map(decode_cursor).transpose()?;
        Ok(Self { limit, before_seq })
    }
}

pub fn encode_cursor(seq: i64) -> String {
    format!("o{seq}")
}

fn decode_cursor(raw: &str) -> Result<i64> {
    raw.strip_prefix('o')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            OrderError::InvalidCursor(format!(
                "`{}` is not a cursor of this listing",
                raw.chars().take(40).collect::<String>()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let p = PageRequest::parse(Some("5"), Some(&encode_cursor(42))).unwrap();
        assert_eq!(
            p,
            PageRequest {
                limit: 5,
                before_seq: Some(42)
            }
        );
        assert_eq!(
            PageRequest::parse(None, Some("42")).unwrap_err().code(),
            "invalid_cursor"
        );
        assert_eq!(
            PageRequest::parse(None, Some("o-1")).unwrap_err().code(),
            "invalid_cursor"
        );
    }

    #[test]
    fn the_limit_is_bounded() {
        assert_eq!(PageRequest::parse(None, None).unwrap().limit, DEFAULT_LIMIT);
        assert!(PageRequest::parse(Some("0"), None).is_err());
        assert!(PageRequest::parse(Some("101"), None).is_err());
        assert!(PageRequest::parse(Some("ten"), None).is_err());
    }
}
