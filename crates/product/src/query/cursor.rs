//! Opaque keyset cursors.
//!
//! A cursor is the last row's sort key plus its id, so the next page is
//! `WHERE (key, id) > (cursor.key, cursor.id)` — an index range scan whatever the page depth,
//! and stable while rows are inserted. Encoding: base64url (no padding) of
//! `json(payload) ++ fnv1a64(fingerprint ++ json(payload))` (8 bytes, big endian), where the
//! fingerprint describes the query's filters and sort.
//!
//! The checksum is an integrity check, not a signature: it turns a truncated, edited or
//! mixed-up cursor (one from another filter or sort) into a clear 400 instead of a silently
//! wrong page. A client that recomputes it can only move its own position; every cursor value
//! reaches SQL as a typed parameter, so forging one grants nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::{ListQuery, Sort};
use crate::domain::{ListedProduct, ProductId};
use crate::error::{DomainError, Result};

/// Longest accepted cursor text: a 150-character name in UTF-8 (≤ 600 bytes) plus the id and
/// framing encodes to under 1 000 characters; anything longer is not ours.
pub const MAX_CURSOR_LEN: usize = 1_024;
const CHECKSUM_LEN: usize = 8;

/// The sort-key value of a row, matching [`Sort`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SortKey {
    /// Search rank (float8 as PostgreSQL computed it; JSON keeps f64 exact).
    Relevance(f64),
    /// Price in minor units (both price orders).
    Price(i64),
    Name(String),
    /// `created_at` in Unix milliseconds.
    Newest(i64),
}

impl SortKey {
    fn fits(&self, sort: Sort) -> bool {
        matches!(
            (self, sort),
            (Self::Relevance(_), Sort::Relevance)
                | (Self::Price(_), Sort::PriceAsc | Sort::PriceDesc)
                | (Self::Name(_), Sort::Name)
                | (Self::Newest(_), Sort::Newest)
        )
    }
}

/// A decoded position: the page starts strictly after `(key, id)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    pub key: SortKey,
    pub id: ProductId,
}

fn fnv1a64(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

fn bad(reason: &str) -> DomainError {
    DomainError::InvalidCursor(format!("{reason}; restart from the first page"))
}

impl Cursor {
    /// The cursor pointing after `row` for `sort`.
    pub fn after_row(row: &ListedProduct, sort: Sort) -> Result<Self> {
        let p = &row.product;
        let key = match sort {
            Sort::Relevance => SortKey::Relevance(
                row.rank
                    .ok_or_else(|| DomainError::Storage("search row has no rank".into()))?,
            ),
            Sort::PriceAsc | Sort::PriceDesc => SortKey::Price(p.price.amount_minor()),
            Sort::Name => SortKey::Name(p.name.as_str().to_string()),
            Sort::Newest => SortKey::Newest(p.created_ms),
        };
        Ok(Self { key, id: p.id })
    }

    /// Encodes the cursor for `query` (its fingerprint is mixed into the checksum).
    pub fn encode(&self, query: &ListQuery) -> Result<String> {
        let payload = serde_json::to_vec(self)
            .map_err(|e| DomainError::Storage(format!("cursor encode: {e}")))?;
        let sum = fnv1a64(&[query.fingerprint().as_bytes(), &payload]);
        let mut bytes = payload;
        bytes.extend_from_slice(&sum.to_be_bytes());
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Decodes and checks a cursor against the query it is used with.
    pub fn decode(raw: &str, query: &ListQuery) -> Result<Self> {
        if raw.len() > MAX_CURSOR_LEN {
            return Err(bad("cursor is too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| bad("cursor is not valid base64url"))?;
        if bytes.len() <= CHECKSUM_LEN {
            return Err(bad("cursor is truncated"));
        }
        let (payload, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
        let expected = fnv1a64(&[query.fingerprint().as_bytes(), payload]).to_be_bytes();
        if sum != expected {
            return Err(bad(
                "cursor was modified or belongs to a different filter or sort",
            ));
        }
        let cursor: Cursor =
            serde_json::from_slice(payload).map_err(|_| bad("cursor payload is malformed"))?;
        if !cursor.key.fits(query.sort) {
            return Err(bad("cursor does not match the sort order"));
        }
        if let SortKey::Relevance(r) = cursor.key
            && !r.is_finite()
        {
            return Err(bad("cursor rank is not a finite number"));
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(qs: &str) -> ListQuery {
        ListQuery::from_query_string(qs).unwrap()
    }

    fn id() -> ProductId {
        ProductId::parse("0b6a0f4e-8d6c-4f5e-9a51-2f1f0c9b1a11").unwrap()
    }

    #[test]
    fn cursor_round_trips_every_sort_key() {
        let cases = [
            ("sort=price_asc", SortKey::Price(1999)),
            ("sort=price_desc", SortKey::Price(0)),
            ("sort=name", SortKey::Name("Zürich Mug \"2\"".into())),
            ("", SortKey::Newest(1_700_000_000_123)),
            ("q=mug", SortKey::Relevance(0.1 + 0.2)),
        ];
        for (qs, key) in cases {
            let q = query(qs);
            let c = Cursor { key, id: id() };
            let text = c.encode(&q).unwrap();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{text}"
            );
            assert_eq!(Cursor::decode(&text, &q).unwrap(), c, "{qs}");
        }
    }

    #[test]
    fn cursor_rejects_any_flipped_byte() {
        let q = query("sort=price_asc");
        let text = Cursor {
            key: SortKey::Price(500),
            id: id(),
        }
        .encode(&q)
        .unwrap();
        let mut raw = URL_SAFE_NO_PAD.decode(&text).unwrap();
        for i in 0..raw.len() {
            raw[i] ^= 0x01;
            let tampered = URL_SAFE_NO_PAD.encode(&raw);
            let err = Cursor::decode(&tampered, &q).unwrap_err();
            assert_eq!(err.status(), 400, "byte {i}");
            assert_eq!(err.code(), "invalid_cursor");
            raw[i] ^= 0x01;
        }
    }

    #[test]
    fn cursor_from_another_filter_is_rejected() {
        let text = Cursor {
            key: SortKey::Price(500),
            id: id(),
        }
        .encode(&query("sort=price_asc"))
        .unwrap();
        let err = Cursor::decode(&text, &query("sort=price_asc&category=shoes")).unwrap_err();
        assert!(
            err.to_string().contains("different filter or sort"),
            "{err}"
        );
    }

    #[test]
    fn cursor_survives_a_different_page_size() {
        let text = Cursor {
            key: SortKey::Newest(1),
            id: id(),
        }
        .encode(&query("limit=10"))
        .unwrap();
        assert!(Cursor::decode(&text, &query("limit=50")).is_ok());
    }

    #[test]
    fn cursor_rejects_garbage_truncation_and_overlong_input() {
        let q = query("");
        assert!(
            Cursor::decode("not base64!", &q)
                .unwrap_err()
                .to_string()
                .contains("base64url")
        );
        assert!(
            Cursor::decode("AAAA", &q)
                .unwrap_err()
                .to_string()
                .contains("truncated")
        );
        assert!(
            Cursor::decode(&"A".repeat(MAX_CURSOR_LEN + 1), &q)
                .unwrap_err()
                .to_string()
                .contains("too long")
        );
    }

    #[test]
    fn cursor_with_a_key_of_the_wrong_sort_is_rejected_even_with_a_valid_checksum() {
        let q = query("sort=name");
        let text = Cursor {
            key: SortKey::Price(1),
            id: id(),
        }
        .encode(&q)
        .unwrap();
        assert!(
            Cursor::decode(&text, &q)
                .unwrap_err()
                .to_string()
                .contains("sort order")
        );
    }
}
