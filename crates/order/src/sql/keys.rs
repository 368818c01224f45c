//! Idempotency-key statements (the rules are in [`crate::idempotency`]).

use super::{Cols, Row, SqlValue, Stmt, json, single, text, uuid};
use crate::error::Result;
use crate::idempotency::{ABANDONED_AFTER_SECONDS, KEY_TTL_SECONDS, KeyState, StoredKey};
use crate::ids::{IdempotencyKey, UserId};

/// Claims `key` for `user`: one row (the fresh order id) when this request is the first;
/// none when the key is taken (a concurrent first claim makes this insert wait for it).
pub fn claim(user: UserId, key: &IdempotencyKey, fingerprint: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES ($1::uuid, $2::text, $3::text) \
         ON CONFLICT (user_id, key) DO NOTHING RETURNING order_id::text",
        vec![uuid(user), text(key.as_str()), text(fingerprint)],
    )
}

/// The order id of a successful [`claim`], or `None` when the key was taken.
pub fn decode_claim(rows: &[Row]) -> Result<Option<String>> {
    match rows {
        [] => Ok(None),
        rows => Cols::new(single(rows, "claim")?, 1)?
            .text(0, "order_id")
            .map(Some),
    }
}

/// The stored claim of a taken key. Decode with [`decode_stored`].
pub fn load(user: UserId, key: &IdempotencyKey) -> Stmt {
    Stmt::new(
        "SELECT fingerprint, state, response_status::int8, response_body::text, \
         extract(epoch FROM clock_timestamp() - created_at)::int8 \
         FROM idempotency_keys WHERE user_id = $1::uuid AND key = $2::text",
        vec![uuid(user), text(key.as_str())],
    )
}

/// `None` when the key vanished meanwhile (released by a failed first attempt).
pub fn decode_stored(rows: &[Row]) -> Result<Option<StoredKey>> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let c = Cols::new(row, 5)?;
    let state = match c.text(1, "state")?.as_str() {
        "done" => KeyState::Done {
            status: u16::try_from(c.opt_int(2, "response_status")?.unwrap_or(500)).unwrap_or(500),
            body: c.json(3, "response_body")?,
        },
        _ => KeyState::InProgress,
    };
    Ok(Some(StoredKey {
        fingerprint: c.text(0, "fingerprint")?,
        state,
        age_seconds: c.int(4, "age")?,
    }))
}

/// Deletes the key if it has expired, so that it can be claimed afresh.
pub fn delete_expired(user: UserId, key: &IdempotencyKey) -> Stmt {
    Stmt::new(
        "DELETE FROM idempotency_keys WHERE user_id = $1::uuid AND key = $2::text \
         AND created_at < clock_timestamp() - make_interval(secs => $3::int8) RETURNING 1::int8",
        vec![
            uuid(user),
            text(key.as_str()),
            SqlValue::Int64(KEY_TTL_SECONDS),
        ],
    )
}

/// Stores the final answer of the claim that owns `order_id`; one row back when the claim
/// was still in progress (not swept as abandoned).
pub fn finish(
    user: UserId,
    key: &IdempotencyKey,
    order_id: &str,
    status: u16,
    body: &serde_json::Value,
) -> Stmt {
    Stmt::new(
        "UPDATE idempotency_keys SET state = 'done', response_status = $4::int8, \
         response_body = $5::jsonb WHERE user_id = $1::uuid AND key = $2::text \
         AND order_id = $3::uuid AND state = 'in_progress' RETURNING 1::int8",
        vec![
            uuid(user),
            text(key.as_str()),
            uuid(order_id),
            SqlValue::Int64(i64::from(status)),
            json(body),
        ],
    )
}

/// Gives the key back after a failure that was not the shopper's (a retry may succeed).
pub fn release(user: UserId, key: &IdempotencyKey, order_id: &str) -> Stmt {
    Stmt::new(
        "DELETE FROM idempotency_keys WHERE user_id = $1::uuid AND key = $2::text \
         AND order_id = $3::uuid AND state = 'in_progress' RETURNING 1::int8",
        vec![uuid(user), text(key.as_str()), uuid(order_id)],
    )
}

/// Claims in progress for longer than [`ABANDONED_AFTER_SECONDS`]: checkouts that crashed
/// between reserving stock and recording the order. Rows: `(order_id)`, at most `limit`.
pub fn abandoned(limit: i64) -> Stmt {
    Stmt::new(
        "SELECT order_id::text FROM idempotency_keys WHERE state = 'in_progress' \
         AND created_at < clock_timestamp() - make_interval(secs => $1::int8) \
         ORDER BY created_at LIMIT $2::int8",
        vec![
            SqlValue::Int64(ABANDONED_AFTER_SECONDS),
            SqlValue::Int64(limit),
        ],
    )
}

pub fn decode_order_ids(rows: &[Row]) -> Result<Vec<String>> {
    rows.iter()
        .map(|r| Cols::new(r, 1)?.text(0, "order_id"))
        .collect()
}

/// Forgets an abandoned claim once its reservation is released.
pub fn forget_abandoned(order_id: &str) -> Stmt {
    Stmt::new(
        "DELETE FROM idempotency_keys WHERE order_id = $1::uuid AND state = 'in_progress' RETURNING 1::int8",
        vec![uuid(order_id)],
    )
}

/// Deletes keys older than a day.
pub fn purge_expired() -> Stmt {
    Stmt::new(
        "DELETE FROM idempotency_keys WHERE state = 'done' \
         AND created_at < clock_timestamp() - make_interval(secs => $1::int8) RETURNING 1::int8",
        vec![SqlValue::Int64(KEY_TTL_SECONDS)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_answer_decodes_with_its_status_and_body() {
        let rows = vec![vec![
            SqlValue::Text("fp".into()),
            SqlValue::Text("done".into()),
            SqlValue::Int64(201),
            SqlValue::Text(r#"{"id":"o"}"#.into()),
            SqlValue::Int64(3),
        ]];
        let stored = decode_stored(&rows).unwrap().unwrap();
        assert_eq!(
            stored.state,
            KeyState::Done {
                status: 201,
                body: serde_json::json!({"id": "o"})
            }
        );
        assert_eq!(stored.age_seconds, 3);
    }

    #[test]
    fn a_claim_in_progress_has_no_answer_yet() {
        let rows = vec![vec![
            SqlValue::Text("fp".into()),
            SqlValue::Text("in_progress".into()),
            SqlValue::Null,
            SqlValue::Null,
            SqlValue::Int64(0),
        ]];
        assert_eq!(
            decode_stored(&rows).unwrap().unwrap().state,
            KeyState::InProgress
        );
        assert_eq!(decode_stored(&[]).unwrap(), None);
    }
}
