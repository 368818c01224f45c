//! Stock statements: audited adjustments and the reservation life cycle.
//!
//! # Adjustments
//! [`adjust_stock`] is one statement (conditional `UPDATE` + audit `INSERT` in CTEs); run it in
//! autocommit. The `WHERE on_hand + delta >= reserved` guard is re-evaluated by PostgreSQL on
//! the newest row version when rows are locked concurrently, so it is race-free.
//!
//! # Reservations — transaction contract
//! `reserve(order_id, lines)` runs inside ONE transaction (READ COMMITTED) on one connection:
//!
//! 1. `BEGIN`
//! 2. [`claim_reservation`] — `INSERT … ON CONFLICT (order_id) DO NOTHING RETURNING`. No row ⇒
//!    this order id was already reserved (or a concurrent attempt just committed; the insert
//!    waited for it): run [`load_reservation`], interpret with [`interpret_replay`], `ROLLBACK`
//!    (nothing was written) and return the original result — or a conflict if the lines differ.
//! 3. [`lock_stock`] — `SELECT … ORDER BY product_id FOR UPDATE OF s`: all stock rows of the
//!    order, locked in one global order, so two orders sharing products cannot deadlock.
//!    [`check_availability`] reports every unknown/inactive product and every short line; on
//!    failure `ROLLBACK` (the claim disappears with it — a retry may succeed later).
//! 4. [`apply_reservation`] — one conditional `UPDATE … SET reserved = reserved + q WHERE
//!    on_hand - reserved >= q` for all lines plus the `reservation_lines` insert;
//!    [`check_applied`] requires the row count to equal the line count, else `ROLLBACK`.
//! 5. `COMMIT`.
//!
//! `release`/`commit` follow the state machine `reserved → released | committed`; a release
//! of an order id never reserved writes a `released` [`tombstone`], so a late reserve for it
//! is refused:
//! [`lock_reservation`] (`FOR UPDATE`) decides via [`interpret_transition`] — already in the
//! target state ⇒ idempotent success without writes; in the other final state ⇒ conflict —
//! then [`lock_order_stock`] (same lock order as step 3) and [`apply_transition`], checked by
//! [`check_transition`]. [`super::plans`] packages these steps as [`super::TxPlan`]s.

use super::row::{Cols, single};
use super::{Binder, Row, Stmt};
use crate::domain::{
    AdjustStock, MAX_ON_HAND, OrderId, ProductId, Quantity, ReservationLine, ReservationState,
    ReserveStock, StockLevel,
};
use crate::error::{DomainError, Result, Shortfall};
use serde::Serialize;

/// Changes `on_hand` by `delta` with an audit row. Rows: `(applied bool, on_hand, reserved)`;
/// no row when the product does not exist. Decode with [`decode_adjust`].
pub fn adjust_stock(cmd: &AdjustStock) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(cmd.product.as_uuid());
    let delta = b.int(cmd.delta.get());
    let max = b.int(MAX_ON_HAND);
    let reason = b.text(cmd.reason.as_str());
    let note = b.opt_text(cmd.note.as_deref());
    b.finish(format!(
        "WITH u AS (UPDATE stock SET on_hand = on_hand + {delta}, updated_at = now() \
         WHERE product_id = {id} AND on_hand + {delta} >= reserved AND on_hand + {delta} <= {max} \
         RETURNING product_id, on_hand, reserved), \
         a AS (INSERT INTO stock_adjustments (product_id, delta, reason, note, on_hand_after) \
         SELECT product_id, {delta}, {reason}, {note}, on_hand FROM u) \
         SELECT true AS applied, on_hand, reserved FROM u UNION ALL \
         SELECT false, s.on_hand, s.reserved FROM stock s WHERE s.product_id = {id} AND NOT EXISTS (SELECT 1 FROM u)"
    ))
}

/// Interprets [`adjust_stock`]'s rows: the new level, or why nothing changed.
pub fn decode_adjust(cmd: &AdjustStock, rows: &[Row]) -> Result<StockLevel> {
    let row = single(rows, "product", &cmd.product.to_text())?;
    let c = Cols::new(row, 3)?;
    let level = StockLevel::new(c.int(1, "on_hand")?, c.int(2, "reserved")?)?;
    if c.bool(0, "applied")? {
        return Ok(level);
    }
    let delta = cmd.delta.get();
    if level.on_hand + delta > MAX_ON_HAND {
        return Err(DomainError::InvalidStockAdjustment(format!(
            "on_hand would become {}, above the maximum {MAX_ON_HAND}",
            level.on_hand + delta
        )));
    }
    Err(DomainError::InsufficientStock(vec![Shortfall {
        product_id: cmd.product.to_text(),
        requested: -delta,
        available: level.available(),
    }]))
}

/// Current counters of one product. Row `(on_hand, reserved)` or none.
pub fn stock_level(id: ProductId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(id.as_uuid());
    b.finish(format!(
        "SELECT on_hand, reserved FROM stock WHERE product_id = {id}"
    ))
}

pub fn decode_stock_level(rows: &[Row], id: ProductId) -> Result<StockLevel> {
    let c = Cols::new(single(rows, "product", &id.to_text())?, 2)?;
    StockLevel::new(c.int(0, "on_hand")?, c.int(1, "reserved")?)
}

/// What a reservation operation returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReservationOutcome {
    pub order_id: OrderId,
    pub state: ReservationState,
    /// The reserved lines (for release/commit: empty, the client already knows them).
    pub lines: Vec<ReservationLine>,
    /// True when this call changed nothing because an earlier identical call already had.
    pub replayed: bool,
}

fn lines_json(cmd: &ReserveStock) -> serde_json::Value {
    serde_json::Value::Array(
        cmd.lines()
            .iter()
            .map(|l| serde_json::json!({"product_id": l.product_id, "quantity": l.quantity.get()}))
            .collect(),
    )
}

/// Step 2: claims the order id. One row when fresh, none when the order id exists.
pub fn claim_reservation(order_id: OrderId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    b.finish(format!(
        "INSERT INTO reservations (order_id, state) VALUES ({id}, 'reserved') \
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id"
    ))
}

/// `true` when the claim inserted the row (a fresh reservation).
pub fn interpret_claim(rows: &[Row]) -> bool {
    !rows.is_empty()
}

/// Replay path: rows `(state, product_id, quantity)` ordered by product id.
pub fn load_reservation(order_id: OrderId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    b.finish(format!(
        "SELECT r.state, l.product_id, l.quantity FROM reservations r \
         LEFT JOIN reservation_lines l ON l.order_id = r.order_id WHERE r.order_id = {id} ORDER BY l.product_id"
    ))
}

/// A replay succeeds with the original result when the stored lines equal the request;
/// a released reservation or different lines under the same order id is a conflict.
pub fn interpret_replay(cmd: &ReserveStock, rows: &[Row]) -> Result<ReservationOutcome> {
    let key = cmd.order_id.to_text();
    let first = rows.first().ok_or_else(|| DomainError::NotFound {
        entity: "reservation",
        key: key.clone(),
    })?;
    let state = ReservationState::parse(Cols::new(first, 3)?.text(0, "state")?)?;
    let mut stored = Vec::with_capacity(rows.len());
    for row in rows {
        let c = Cols::new(row, 3)?;
        if c.opt_text(1, "product_id")?.is_none() {
            continue; // LEFT JOIN of a reservation without lines
        }
        let quantity = Quantity::parse(c.int(2, "quantity")?)
            .map_err(|e| super::row::storage("quantity", e))?;
        stored.push(ReservationLine {
            product_id: c.product_id(1, "product_id")?,
            quantity,
        });
    }
    stored.sort();
    if stored != cmd.lines() {
        return Err(DomainError::Conflict(format!(
            "order {key} already has a reservation with different lines; use a new order id"
        )));
    }
    if state == ReservationState::Released {
        return Err(DomainError::Conflict(format!(
            "the reservation of order {key} was released; use a new order id"
        )));
    }
    Ok(ReservationOutcome {
        order_id: cmd.order_id,
        state,
        lines: stored,
        replayed: true,
    })
}

/// Step 3: locks the order's stock rows in product-id order. Rows
/// `(product_id, on_hand, reserved, active)`; products that do not exist are simply absent.
pub fn lock_stock(cmd: &ReserveStock) -> Stmt {
    let mut b = Binder::new();
    let lines = b.jsonb(&lines_json(cmd));
    b.finish(format!(
        "SELECT s.product_id, s.on_hand, s.reserved, p.active FROM stock s \
         JOIN products p ON p.id = s.product_id \
         JOIN jsonb_to_recordset({lines}) AS r(product_id uuid, quantity int8) ON r.product_id = s.product_id \
         ORDER BY s.product_id FOR UPDATE OF s"
    ))
}

/// All-or-nothing check on the locked rows: unknown or inactive products are `not_found`;
/// otherwise every line whose quantity exceeds `on_hand - reserved` is reported at once.
pub fn check_availability(cmd: &ReserveStock, rows: &[Row]) -> Result<()> {
    let mut locked = Vec::with_capacity(rows.len());
    for row in rows {
        let c = Cols::new(row, 4)?;
        let level = StockLevel::new(c.int(1, "on_hand")?, c.int(2, "reserved")?)?;
        locked.push((c.product_id(0, "product_id")?, level, c.bool(3, "active")?));
    }
    let mut missing = Vec::new();
    let mut short = Vec::new();
    for line in cmd.lines() {
        match locked.iter().find(|(id, _, _)| *id == line.product_id) {
            Some((_, level, true)) if level.available() >= line.quantity.get() => {}
            Some((_, level, true)) => short.push(Shortfall {
                product_id: line.product_id.to_text(),
                requested: line.quantity.get(),
                available: level.available(),
            }),
            _ => missing.push(line.product_id.to_text()),
        }
    }
    if !missing.is_empty() {
        return Err(DomainError::NotFound {
            entity: "product",
            key: missing.join(", "),
        });
    }
    if !short.is_empty() {
        return Err(DomainError::InsufficientStock(short));
    }
    Ok(())
}

/// Step 4: reserves every line with one conditional update and records the lines. One row:
/// the number of lines reserved.
pub fn apply_reservation(cmd: &ReserveStock) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(cmd.order_id.as_uuid());
    let lines = b.jsonb(&lines_json(cmd));
    b.finish(format!(
        "WITH r AS (SELECT * FROM jsonb_to_recordset({lines}) AS r(product_id uuid, quantity int8)), \
         u AS (UPDATE stock s SET reserved = s.reserved + r.quantity, updated_at = now() FROM r \
         WHERE s.product_id = r.product_id AND s.on_hand - s.reserved >= r.quantity \
         RETURNING s.product_id, r.quantity), \
         l AS (INSERT INTO reservation_lines (order_id, product_id, quantity) \
         SELECT {id}, product_id, quantity FROM u RETURNING product_id) \
         SELECT count(*) AS reserved_lines FROM l"
    ))
}

/// The update must have touched every line; anything else means the invariant checks of step 3
/// were bypassed, so the whole transaction must roll back.
pub fn check_applied(cmd: &ReserveStock, rows: &[Row]) -> Result<ReservationOutcome> {
    let n = Cols::new(single(rows, "count", "reserved_lines")?, 1)?.int(0, "reserved_lines")?;
    let expected = i64::try_from(cmd.lines().len()).unwrap_or(i64::MAX);
    if n != expected {
        return Err(DomainError::Conflict(format!(
            "stock changed while reserving order {} ({n} of {expected} lines applied); retry",
            cmd.order_id
        )));
    }
    Ok(ReservationOutcome {
        order_id: cmd.order_id,
        state: ReservationState::Reserved,
        lines: cmd.lines().to_vec(),
        replayed: false,
    })
}

/// The two ways out of `reserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Give the units back to `available`.
    Release,
    /// The order shipped: units leave `on_hand` and `reserved`.
    Commit,
}

impl Transition {
    pub fn target(&self) -> ReservationState {
        match self {
            Self::Release => ReservationState::Released,
            Self::Commit => ReservationState::Committed,
        }
    }
}

/// Locks the reservation row. Row `(state)` or none.
pub fn lock_reservation(order_id: OrderId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    b.finish(format!(
        "SELECT state FROM reservations WHERE order_id = {id} FOR UPDATE"
    ))
}

/// `Ok(true)`: proceed; `Ok(false)`: already in the target state (idempotent, write nothing).
pub fn interpret_transition(order_id: OrderId, t: Transition, rows: &[Row]) -> Result<bool> {
    let row = single(rows, "reservation", &order_id.to_text())?;
    let state = ReservationState::parse(Cols::new(row, 1)?.text(0, "state")?)?;
    match state {
        ReservationState::Reserved => Ok(true),
        s if s == t.target() => Ok(false),
        s => Err(DomainError::Conflict(format!(
            "the reservation of order {order_id} is already {}; it cannot become {}",
            s.as_str(),
            t.target().as_str()
        ))),
    }
}

/// A release for an order id with no reservation records it as released, with no lines:
/// a reserve for that id that arrives later (its caller gave up on it and released first)
/// then finds it released and is refused, instead of holding stock no order will ever use.
/// Row `(order_id)` when written; none when a reservation appeared meanwhile (a reserve
/// committed while this insert waited for it), which is then released the usual way.
pub fn tombstone(order_id: OrderId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    b.finish(format!(
        "INSERT INTO reservations (order_id, state) VALUES ({id}, 'released') \
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id"
    ))
}

/// Locks the order's stock rows in the same global order as [`lock_stock`].
pub fn lock_order_stock(order_id: OrderId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    b.finish(format!(
        "SELECT s.product_id FROM stock s JOIN reservation_lines l ON l.product_id = s.product_id \
         WHERE l.order_id = {id} ORDER BY s.product_id FOR UPDATE OF s"
    ))
}

/// Moves the counters and the state. One row `(lines, updated, transitioned)`.
pub fn apply_transition(order_id: OrderId, t: Transition) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(order_id.as_uuid());
    let (set, guard) = match t {
        Transition::Release => (
            "reserved = s.reserved - l.quantity",
            "s.reserved >= l.quantity",
        ),
        Transition::Commit => (
            "on_hand = s.on_hand - l.quantity, reserved = s.reserved - l.quantity",
            "s.reserved >= l.quantity AND s.on_hand >= l.quantity",
        ),
    };
    let target = b.text(t.target().as_str());
    b.finish(format!(
        "WITH l AS (SELECT product_id, quantity FROM reservation_lines WHERE order_id = {id}), \
         u AS (UPDATE stock s SET {set}, updated_at = now() FROM l \
         WHERE s.product_id = l.product_id AND {guard} RETURNING s.product_id), \
         r AS (UPDATE reservations SET state = {target}, updated_at = now() \
         WHERE order_id = {id} AND state = 'reserved' RETURNING order_id) \
         SELECT (SELECT count(*) FROM l) AS lines, (SELECT count(*) FROM u) AS updated, \
         (SELECT count(*) FROM r) AS transitioned"
    ))
}

/// Every line updated and the state moved exactly once, else roll back.
pub fn check_transition(
    order_id: OrderId,
    t: Transition,
    rows: &[Row],
) -> Result<ReservationOutcome> {
    let c = Cols::new(single(rows, "count", "transition")?, 3)?;
    let (lines, updated, moved) = (
        c.int(0, "lines")?,
        c.int(1, "updated")?,
        c.int(2, "transitioned")?,
    );
    if lines != updated || moved != 1 {
        return Err(DomainError::Storage(format!(
            "{} of order {order_id}: {updated} of {lines} stock rows updated, {moved} state changes",
            t.target().as_str()
        )));
    }
    Ok(ReservationOutcome {
        order_id,
        state: t.target(),
        lines: Vec::new(),
        replayed: false,
    })
}

#[cfg(test)]
pub(crate) mod tests;
