//! Outbox statements: reading unpublished events oldest first and marking them published.
//!
//! # Flush — transaction contract
//! `BEGIN`; [`try_lock`] (a transaction-scoped advisory lock: one flusher at a time, so every
//! event is published once and in order; a flush that finds the lock taken does nothing, as
//! the running one will publish what is there); [`pending`]; for each row, oldest first:
//! `PUBLISH` it and, only if Redis reported at least one receiver, [`mark_published`]; stop
//! at the first event not delivered; `COMMIT`. Repeat while a non-empty batch went out
//! whole (events committed meanwhile by writers whose own flush found the lock taken).

use super::{Cols, Row, SqlValue, Stmt, single};
use crate::error::Result;
use crate::event::OutboxEvent;

/// The advisory lock key of the flush: the ASCII of "rsoutbox".
pub const FLUSH_LOCK_KEY: i64 = 0x7273_6f75_7462_6f78;

/// Events read per flush transaction.
pub const FLUSH_BATCH: i64 = 100;

/// One row: whether this transaction now holds the flush lock.
pub fn try_lock() -> Stmt {
    Stmt::new(
        "SELECT pg_try_advisory_xact_lock($1::int8)",
        vec![SqlValue::Int64(FLUSH_LOCK_KEY)],
    )
}

pub fn decode_locked(rows: &[Row]) -> Result<bool> {
    Cols::new(single(rows, "flush lock")?, 1)?.bool(0, "locked")
}

/// Up to [`FLUSH_BATCH`] unpublished events, oldest first. Decode with [`decode_pending`].
pub fn pending() -> Stmt {
    Stmt::new(
        "SELECT seq, id::text, event_type, version::int8, order_id::text, user_id::text, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), data::text \
         FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1::int8",
        vec![SqlValue::Int64(FLUSH_BATCH)],
    )
}

pub fn decode_pending(rows: &[Row]) -> Result<Vec<OutboxEvent>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, 8)?;
            Ok(OutboxEvent {
                seq: c.int(0, "seq")?,
                id: c.text(1, "id")?,
                event_type: c.text(2, "event_type")?,
                version: c.int(3, "version")?,
                order_id: c.opt_text(4, "order_id")?,
                user_id: c.opt_text(5, "user_id")?,
                occurred_at: c.text(6, "occurred_at")?,
                data: c.json(7, "data")?,
            })
        })
        .collect()
}

pub fn mark_published(seq: i64) -> Stmt {
    Stmt::new(
        "UPDATE outbox SET published_at = clock_timestamp() WHERE seq = $1::int8 RETURNING 1::int8",
        vec![SqlValue::Int64(seq)],
    )
}
