//! Order statements: recording a checkout, reading orders (one, mine, all), transitions and
//! anonymisation.
//!
//! # Recording a checkout — transaction contract
//! After the reservation and the payment succeeded, one transaction on one connection:
//! `BEGIN`; [`record`] (the order, its lines, its `pending` and `paid` history, the
//! `order.created` and `order.paid` outbox rows, the cart emptied); [`get`] + [`lines`] +
//! [`history`] to build the answer; [`super::keys::finish`] storing that answer, which must
//! update exactly one row (else the claim was swept as abandoned: `ROLLBACK`); `COMMIT`.
//!
//! # Transitions
//! [`transition`] moves an order only from the status it was read in (`WHERE status =
//! $old`), so two concurrent moves cannot both win; no row back means another move came
//! first, and the caller re-reads to report the current state.

use super::{Cols, Row, SqlValue, Stmt, json, opt_text, single, text, uuid};
use crate::checkout::{NewOrder, OrderLine};
use crate::error::{OrderError, Result};
use crate::event;
use crate::ids::{CartOwner, OrderId, UserId};
use crate::order::{OrderRecord, StatusChange};
use crate::status::OrderStatus;
use crate::totals::Totals;

macro_rules! order_columns {
    () => {
        "o.id::text, o.seq, o.user_id::text, o.status, o.currency, o.subtotal_minor, \
         o.tax_minor, o.shipping_minor, o.total_minor, o.customer_email, o.customer_name, \
         o.shipping_address::text, o.cancel_reason, \
         (extract(epoch FROM o.created_at) * 1000)::int8, \
         (extract(epoch FROM o.updated_at) * 1000)::int8, \
         (SELECT coalesce(sum(l.quantity), 0)::int8 FROM order_lines l WHERE l.order_id = o.id)"
    };
}

const COLUMN_COUNT: usize = 16;

/// The statements that record a paid order (see the module docs), in order. The first
/// returns the order's `seq`.
pub fn record(new: &NewOrder, owner: &CartOwner) -> Result<Vec<Stmt>> {
    let t = new.priced.totals;
    let lines = serde_json::to_value(&new.priced.lines)
        .map_err(|e| OrderError::Storage(format!("order lines: {e}")))?;
    let pending = OrderRecord::from_new(new, OrderStatus::Pending);
    let paid = OrderRecord::from_new(new, OrderStatus::Paid);
    Ok(vec![
        Stmt::new(
            "INSERT INTO orders (id, user_id, status, currency, subtotal_minor, tax_minor, \
             shipping_minor, total_minor, customer_email, customer_name, shipping_address, \
             payment_reference) VALUES ($1::uuid, $2::uuid, 'paid', $3::text, $4::int8, \
             $5::int8, $6::int8, $7::int8, $8::text, $9::text, $10::jsonb, $11::text) \
             RETURNING seq",
            vec![
                uuid(&new.id),
                uuid(new.user_id),
                text(new.priced.currency.code()),
                SqlValue::Int64(t.subtotal_minor),
                SqlValue::Int64(t.tax_minor),
                SqlValue::Int64(t.shipping_minor),
                SqlValue::Int64(t.total_minor),
                text(&new.email),
                text(&new.name),
                json(&new.shipping_address),
                text(&new.payment_reference),
            ],
        ),
        Stmt::new(
            "INSERT INTO order_lines (order_id, line_no, product_id, name, sku, quantity, \
             unit_price_minor, line_total_minor) \
             SELECT $1::uuid, t.ord::int4, (t.l->>'product_id')::uuid, t.l->>'name', t.l->>'sku', \
             (t.l->>'quantity')::int4, (t.l->>'unit_price_minor')::int8, \
             (t.l->>'line_total_minor')::int8 \
             FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(l, ord) RETURNING 1::int8",
            vec![uuid(&new.id), json(&lines)],
        ),
        history(&new.id, OrderStatus::Pending),
        history(&new.id, OrderStatus::Paid),
        event::outbox_insert(&pending, OrderStatus::Pending, None),
        event::outbox_insert(&paid, OrderStatus::Paid, None),
        super::cart::clear(owner),
    ])
}

/// Records that `order` entered `status` now.
pub fn history(order: &str, status: OrderStatus) -> Stmt {
    Stmt::new(
        "INSERT INTO order_status_history (order_id, status) VALUES ($1::uuid, $2::text) \
         ON CONFLICT DO NOTHING RETURNING 1::int8",
        vec![uuid(order), text(status.as_str())],
    )
}

/// One order; with `owner`, only if it is that user's (another user's order reads as
/// missing: BOLA is a 404). Decode with [`decode_one`].
pub fn get(id: OrderId, owner: Option<UserId>) -> Stmt {
    Stmt::new(
        concat!(
            "SELECT ",
            order_columns!(),
            " FROM orders o WHERE o.id = $1::uuid AND ($2::uuid IS NULL OR o.user_id = $2::uuid)"
        ),
        vec![uuid(id), owner.map_or(SqlValue::Null, uuid)],
    )
}

/// The lines of an order, in order. Decode with [`decode_lines`].
pub fn lines(id: OrderId) -> Stmt {
    Stmt::new(
        "SELECT product_id::text, name, sku, quantity::int8, unit_price_minor, line_total_minor \
         FROM order_lines WHERE order_id = $1::uuid ORDER BY line_no",
        vec![uuid(id)],
    )
}

/// The status history of an order, oldest first. Decode with [`decode_history`].
pub fn history_of(id: OrderId) -> Stmt {
    Stmt::new(
        "SELECT status, (extract(epoch FROM at) * 1000)::int8 FROM order_status_history \
         WHERE order_id = $1::uuid ORDER BY at, status",
        vec![uuid(id)],
    )
}

/// Filters of an order listing; `user` is set for "my orders", optional for admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFilter {
    pub user: Option<UserId>,
    pub status: Option<OrderStatus>,
    /// Keyset cursor: only orders with a smaller `seq` (older).
    pub before_seq: Option<i64>,
    /// Rows to fetch: the page size plus one, to know whether there is a next page.
    pub fetch: i64,
}

/// Orders newest first. Decode with [`decode_many`].
pub fn list(f: &ListFilter) -> Stmt {
    Stmt::new(
        concat!(
            "SELECT ",
            order_columns!(),
            " FROM orders o WHERE ($1::uuid IS NULL OR o.user_id = $1::uuid) \
             AND ($2::text IS NULL OR o.status = $2::text) \
             AND ($3::int8 IS NULL OR o.seq < $3::int8) ORDER BY o.seq DESC LIMIT $4::int8"
        ),
        vec![
            f.user.map_or(SqlValue::Null, uuid),
            opt_text(f.status.map(|s| s.as_str())),
            f.before_seq.map_or(SqlValue::Null, SqlValue::Int64),
            SqlValue::Int64(f.fetch),
        ],
    )
}

/// Moves an order from `from` to `to`; one row back when it moved.
pub fn transition(id: &str, from: OrderStatus, to: OrderStatus, reason: Option<&str>) -> Stmt {
    Stmt::new(
        "UPDATE orders SET status = $3::text, updated_at = clock_timestamp(), \
         cancel_reason = coalesce($4::text, cancel_reason) \
         WHERE id = $1::uuid AND status = $2::text RETURNING 1::int8",
        vec![
            uuid(id),
            text(from.as_str()),
            text(to.as_str()),
            opt_text(reason),
        ],
    )
}

/// Anonymises every order of a deleted user, keeping lines and totals: the customer's email,
/// name and address are blanked, the user id dropped, and the outbox's copies of the
/// events lose the customer's details too. Also forgets the user's cart and checkout keys.
pub fn anonymise(user: UserId) -> Vec<Stmt> {
    vec![
        Stmt::new(
            "UPDATE outbox SET data = data || '{\"customer\": {\"email\": \"\", \"name\": \"\"}, \"shipping_address\": {}}'::jsonb \
             WHERE user_id = $1::uuid RETURNING 1::int8",
            vec![uuid(user)],
        ),
        Stmt::new(
            "UPDATE orders SET customer_email = '', customer_name = '', \
             shipping_address = '{}'::jsonb, user_id = NULL, anonymised_at = clock_timestamp() \
             WHERE user_id = $1::uuid RETURNING 1::int8",
            vec![uuid(user)],
        ),
        super::cart::clear(&CartOwner::User(user)),
        Stmt::new(
            "DELETE FROM idempotency_keys WHERE user_id = $1::uuid AND state = 'done' RETURNING 1::int8",
            vec![uuid(user)],
        ),
    ]
}

/// The order of a [`get`] (none: missing, or not the caller's).
pub fn decode_one(rows: &[Row]) -> Result<Option<OrderRecord>> {
    match rows {
        [] => Ok(None),
        [row] => decode_row(row).map(Some),
        _ => Err(OrderError::Storage(format!(
            "{} orders with one id",
            rows.len()
        ))),
    }
}

/// The orders of a [`list`].
pub fn decode_many(rows: &[Row]) -> Result<Vec<OrderRecord>> {
    rows.iter().map(decode_row).collect()
}

fn decode_row(row: &Row) -> Result<OrderRecord> {
    let c = Cols::new(row, COLUMN_COUNT)?;
    Ok(OrderRecord {
        id: c.text(0, "id")?,
        seq: c.int(1, "seq")?,
        user_id: c.opt_text(2, "user_id")?,
        status: OrderStatus::from_db(&c.text(3, "status")?)?,
        currency: c.text(4, "currency")?,
        totals: Totals {
            subtotal_minor: c.int(5, "subtotal_minor")?,
            tax_minor: c.int(6, "tax_minor")?,
            shipping_minor: c.int(7, "shipping_minor")?,
            total_minor: c.int(8, "total_minor")?,
        },
        email: c.text(9, "customer_email")?,
        name: c.text(10, "customer_name")?,
        shipping_address: c.json(11, "shipping_address")?,
        cancel_reason: c.opt_text(12, "cancel_reason")?,
        created_ms: c.int(13, "created_ms")?,
        updated_ms: c.int(14, "updated_ms")?,
        item_count: c.int(15, "item_count")?,
        lines: Vec::new(),
        history: Vec::new(),
    })
}

pub fn decode_lines(rows: &[Row]) -> Result<Vec<OrderLine>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, 6)?;
            Ok(OrderLine {
                product_id: c.text(0, "product_id")?,
                name: c.text(1, "name")?,
                sku: c.text(2, "sku")?,
                quantity: c.int(3, "quantity")?,
                unit_price_minor: c.int(4, "unit_price_minor")?,
                line_total_minor: c.int(5, "line_total_minor")?,
            })
        })
        .collect()
}

pub fn decode_history(rows: &[Row]) -> Result<Vec<StatusChange>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, 2)?;
            Ok(StatusChange {
                status: OrderStatus::from_db(&c.text(0, "status")?)?,
                at_ms: c.int(1, "at_ms")?,
            })
        })
        .collect()
}

/// Whether a statement that returns one row per change changed exactly one row.
pub fn changed_one(rows: &[Row]) -> bool {
    rows.len() == 1
}

/// The `seq` returned by the first statement of [`record`].
pub fn decode_seq(rows: &[Row]) -> Result<i64> {
    Cols::new(single(rows, "insert order")?, 1)?.int(0, "seq")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_columns_match_the_decoder() {
        let sql = get(
            OrderId::parse("11111111-1111-4111-8111-111111111111").unwrap(),
            None,
        )
        .sql;
        let select = sql.split(" FROM orders o").next().unwrap();
        // Count top-level commas: the subquery's commas sit inside parentheses.
        let mut depth = 0;
        let mut commas = 0;
        for ch in select.chars() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => commas += 1,
                _ => {}
            }
        }
        assert_eq!(commas + 1, COLUMN_COUNT);
    }

    #[test]
    fn reading_someone_elses_order_binds_the_owner() {
        let user = UserId::parse("22222222-2222-4222-8222-222222222222").unwrap();
        let id = OrderId::parse("11111111-1111-4111-8111-111111111111").unwrap();
        let stmt = get(id, Some(user));
        assert!(stmt.sql.contains("o.user_id = $2::uuid"));
        assert_eq!(stmt.params[1], SqlValue::Uuid(user.to_text()));
    }

    #[test]
    fn a_transition_is_guarded_by_the_status_it_was_read_in() {
        let stmt = transition("o", OrderStatus::Paid, OrderStatus::Shipped, None);
        assert!(stmt.sql.contains("AND status = $2::text"));
        assert_eq!(stmt.params[1], text("paid"));
        assert_eq!(stmt.params[2], text("shipped"));
    }
}
