//! Statements on `password_resets` and `outbox`.

use serde_json::Value;
use uuid::Uuid;

use super::{Cols, Row, SqlValue, Stmt, text, uuid};
use crate::error::UserError;

/// How long a reset token is valid: 30 minutes (OWASP's Forgot Password Cheat Sheet asks for
/// a short expiry; half an hour covers a slow mailbox).
pub const RESET_TTL_SECS: i64 = 30 * 60;

/// Stores a reset token's hash for `user`, answering its expiry in epoch milliseconds.
pub fn insert_reset(token_hash: &str, user: Uuid) -> Stmt {
    Stmt::new(
        "INSERT INTO password_resets (token_hash, user_id, expires_at) \
         VALUES ($1::text, $2::uuid, now() + $3::int8 * interval '1 second') \
         RETURNING (extract(epoch FROM expires_at) * 1000)::int8",
        vec![
            text(token_hash),
            uuid(user),
            SqlValue::Int64(RESET_TTL_SECS),
        ],
    )
}

/// Uses a reset token: marks it used if it exists, is unused and unexpired, answering the
/// user. One statement, so two uses racing cannot both succeed. The user's other unused
/// tokens are spent too (one reset ends every outstanding link).
pub fn take_reset(token_hash: &str) -> Stmt {
    Stmt::new(
        "WITH taken AS (UPDATE password_resets SET used_at = now() \
           WHERE token_hash = $1::text AND used_at IS NULL AND expires_at > now() RETURNING user_id), \
         spent AS (UPDATE password_resets SET used_at = now() \
           WHERE user_id IN (SELECT user_id FROM taken) AND used_at IS NULL AND token_hash <> $1::text) \
         SELECT user_id FROM taken",
        vec![text(token_hash)],
    )
}

pub fn insert_event(id: Uuid, kind: &str, envelope: &Value) -> Stmt {
    Stmt::new(
        "INSERT INTO outbox (id, type, envelope) VALUES ($1::uuid, $2::text, $3::jsonb) RETURNING seq",
        vec![uuid(id), text(kind), SqlValue::Jsonb(envelope.to_string())],
    )
}

/// The oldest unpublished events, at most `limit`.
pub fn pending(limit: i64) -> Stmt {
    Stmt::new(
        "SELECT seq, envelope::text FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1::int8",
        vec![SqlValue::Int64(limit)],
    )
}

pub fn mark_published(seq: i64) -> Stmt {
    Stmt::new(
        "UPDATE outbox SET published_at = now() WHERE seq = $1::int8 AND published_at IS NULL RETURNING seq",
        vec![SqlValue::Int64(seq)],
    )
}

pub fn decode_expiry(rows: &[Row]) -> Result<i64, UserError> {
    let row = rows
        .first()
        .ok_or_else(|| UserError::Storage("no expiry returned".into()))?;
    Cols::of(row).int(0, "expires_ms")
}

pub fn decode_taken(rows: &[Row]) -> Result<Option<Uuid>, UserError> {
    rows.first()
        .map(|r| Cols::of(r).uuid(0, "user_id"))
        .transpose()
}

/// `(seq, envelope JSON text)` per pending event.
pub fn decode_pending(rows: &[Row]) -> Result<Vec<(i64, String)>, UserError> {
    rows.iter()
        .map(|r| {
            let c = Cols::of(r);
            Ok((c.int(0, "seq")?, c.text(1, "envelope")?))
        })
        .collect()
}

#[cfg(test)]
pub(super) fn all_statements() -> Vec<Stmt> {
    vec![
        insert_reset("h", Uuid::nil()),
        take_reset("h"),
        insert_event(Uuid::nil(), "t", &Value::Null),
        pending(1),
        mark_published(1),
    ]
}
